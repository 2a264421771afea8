package org.openvdi.broker.notice;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.SessionView;
import org.openvdi.broker.session.api.SendSessionMessageCommand;
import org.openvdi.broker.web.DisplayText;
import org.openvdi.broker.web.Refuses;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Admins' messages to the users of sessions, shown in their desktop tabs ({@link MessageNotices}). */
@RestController
@RequestMapping("/api/sessions/{id}/messages")
@Tag(name = "Sessions", description = "Employees' use of desktops")
class SessionMessageController {

    /** The most characters of one message. */
    static final int MAX_TEXT = 500;

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final SessionMessages messages;
    private final UserDirectory users;

    SessionMessageController(AuditedCommands commands, SessionQueries sessions, SessionMessages messages, UserDirectory users) {
        this.commands = commands;
        this.sessions = sessions;
        this.messages = messages;
        this.users = users;
    }

    /** @param text the message, plain text: at most 500 characters on one line, no control or bidi characters */
    record SendMessageRequest(@NotBlank @DisplayText(max = MAX_TEXT) String text) {
    }

    @Operation(summary = "Send the session's user a message (admins only)", description = """
            The message (plain text: at most 500 characters on one line; control, bidirectional and invisible \
            characters are refused with 400) is an event of the session. The user's desktop tab shows it as text, \
            never as markup, in its notice banner: every tab of the session that is open when it is sent or opens \
            within 10 minutes after. An ended session answers 410 SESSION_ENDED, another employee's or an unknown one \
            404 SESSION_NOT_FOUND. Answers 201 with the message.""")
    @Refuses(ErrorCode.SESSION_ENDED)
    @PostMapping
    ResponseEntity<SessionMessage> send(@PathVariable UUID id, @Valid @RequestBody SendMessageRequest request,
                                        Authentication who) {
        CurrentUser user = users.current(who);
        SessionView session = visible(id, user);
        if (!user.isAdmin()) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "Only admins send messages to sessions");
        }
        UUID messageId = UUID.randomUUID();
        commands.send(new SendSessionMessageCommand(session.id(), messageId, request.text(), user.name()), user.name());
        SessionMessage sent = messages.of(session.id()).stream().filter(m -> m.id().equals(messageId)).findFirst()
                .orElseThrow();
        return ResponseEntity.status(HttpStatus.CREATED).body(sent);
    }

    @Operation(summary = "List the messages sent to a session's user", description = """
            Oldest first. Admins and auditors read those of every session, an employee those of their own.""")
    @GetMapping
    List<SessionMessage> list(@PathVariable UUID id, Authentication who) {
        return messages.of(visible(id, users.current(who)).id());
    }

    private SessionView visible(UUID id, CurrentUser user) {
        return sessions.find(id).filter(s -> user.canReadEverything() || s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
    }
}
