package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.openvdi.broker.auditlog.AuditParameters.Format;
import org.openvdi.broker.auditlog.AuditRecords.ChangeEntry;
import org.openvdi.broker.auditlog.AuditRecords.HolderInterval;
import org.openvdi.broker.auditlog.AuditRecords.SecurityEntry;
import org.openvdi.broker.auditlog.AuditRecords.SessionRecord;
import org.openvdi.broker.auditlog.AuditRecords.UserImage;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.web.Names;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audit answers. Auditors read all of them; an admin reads only the changes they made themselves; every read
 * is recorded as an event. Each list pages by an opaque cursor ({@code limit} up to
 * {@code openvdi.audit.log.max-page-size}, a {@code next} link while more follow) or exports every matching row as
 * CSV or JSON ({@code format=csv|json}, or {@code Accept: text/csv}), streamed as it is read.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "Who had which desktop, when, where and on which image; who changed what")
class AuditController {

    private static final Pattern PRINCIPAL = Pattern.compile(Names.PRINCIPAL);

    private final AuditLists lists;
    private final AuditQueries queries;
    private final AuditReads reads;
    private final AuditLogSettings settings;
    private final UserDirectory users;
    private final ObjectMapper json;

    AuditController(AuditLists lists, AuditQueries queries, AuditReads reads, AuditLogSettings settings,
                    UserDirectory users, ObjectMapper json) {
        this.lists = lists;
        this.queries = queries;
        this.reads = reads;
        this.settings = settings;
        this.users = users;
        this.json = json;
    }

    /** A page of an audit list; {@code next} is the link to the following page, null on the last. */
    record AuditPage<R>(List<R> items, int limit, String next) {
    }

    @Operation(summary = "Session history: who used which desktop, when, from where, on which image")
    @GetMapping("/sessions")
    ResponseEntity<StreamingResponseBody> sessions(HttpServletRequest request, Authentication who,
                               @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        AuditParameters p = AuditParameters.of(request.getParameterMap(), AuditLists.SESSION_FILTERS);
        return answer(request, who, accept, p, lists.sessions(p), SessionRecord.class);
    }

    @Operation(summary = "Who held the desktop: at an instant (at=), or every hold overlapping from/to")
    @GetMapping("/desktops/{desktopId}/holders")
    ResponseEntity<StreamingResponseBody> holders(@PathVariable UUID desktopId, HttpServletRequest request, Authentication who,
                              @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        AuditParameters p = AuditParameters.of(request.getParameterMap(), AuditLists.HOLDER_FILTERS);
        return answer(request, who, accept, p, lists.holders(desktopId, p), HolderInterval.class);
    }

    @Operation(summary = "The admin change log: every change to an object, or by an actor",
            description = "Auditors read every change. An admin reads only their own: without actor= the answer "
                    + "is theirs alone, any other actor answers 403.")
    @GetMapping("/changes")
    ResponseEntity<StreamingResponseBody> changes(HttpServletRequest request, Authentication who,
                              @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        AuditParameters p = AuditParameters.of(request.getParameterMap(), AuditLists.CHANGE_FILTERS);
        CurrentUser user = users.current(who);
        String actor = p.principal("actor");
        if (!user.isAuditor()) {
            if (actor != null && !actor.equals(user.name())) {
                throw new BrokerException(ErrorCode.FORBIDDEN, "Admins read only the changes they made themselves");
            }
            actor = user.name();
        }
        return answer(request, who, accept, p, lists.changes(p, actor), ChangeEntry.class);
    }

    @Operation(summary = "Which image versions a user had, per session")
    @GetMapping("/users/{user}/images")
    ResponseEntity<StreamingResponseBody> images(@PathVariable String user, HttpServletRequest request, Authentication who,
                             @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        if (!PRINCIPAL.matcher(user).matches()) {
            throw AuditParameters.invalid("The user must be a user name (letters, digits, . _ @ -, at most 64)");
        }
        AuditParameters p = AuditParameters.of(request.getParameterMap(), AuditLists.IMAGE_FILTERS);
        return answer(request, who, accept, p, lists.images(user, p), UserImage.class);
    }

    @Operation(summary = "The security log: refused tokens, throttled sign-ins, refused telemetry, verifications, audit reads")
    @GetMapping("/security")
    ResponseEntity<StreamingResponseBody> security(HttpServletRequest request, Authentication who,
                               @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        AuditParameters p = AuditParameters.of(request.getParameterMap(), AuditLists.SECURITY_FILTERS);
        return answer(request, who, accept, p, lists.security(p), SecurityEntry.class);
    }

    private <R extends Record> ResponseEntity<StreamingResponseBody> answer(HttpServletRequest request, Authentication who, String accept,
                                                       AuditParameters p, AuditQuery<R> query, Class<R> type) {
        String reader = who.getName();
        Format format = p.format(accept);
        Map<String, String> filters = p.given();
        if (format == Format.PAGE) {
            int limit = p.limit(settings);
            AuditQueries.Page<R> page = queries.page(query, p.cursor(), limit);
            reads.record(reader, query.kind, filters, AuditReadFormat.PAGE, page.items().size());
            String next = page.next() == null ? null : next(request, page.next(), limit);
            AuditPage<R> body = new AuditPage<>(page.items(), limit, next);
            // one return type for pages and exports: Spring streams a StreamingResponseBody only when declared as one
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> json.writeValue(out, body));
        }
        boolean csv = format == Format.CSV;
        StreamingResponseBody body = out -> {
            long count;
            try (AuditExports.RowWriter<R> rows = csv ? AuditExports.csv(type, out) : AuditExports.json(json, out)) {
                count = queries.stream(query, rows);
            }
            reads.record(reader, query.kind, filters, csv ? AuditReadFormat.CSV_EXPORT : AuditReadFormat.JSON_EXPORT, count);
        };
        String name = query.kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + (csv ? ".csv" : ".json");
        return ResponseEntity.ok()
                .contentType(csv ? new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8) : MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .body(body);
    }

    /** The same request from the position after this page: same path, same filters, the new cursor. */
    private static String next(HttpServletRequest request, AuditParameters.Cursor after, int limit) {
        UriComponentsBuilder next = UriComponentsBuilder.fromPath(request.getRequestURI());
        request.getParameterMap().forEach((name, values) -> {
            if (!Set.of("cursor", "limit").contains(name)) {
                next.queryParam(name, "{" + name + "}");
            }
        });
        next.queryParam("limit", limit).queryParam("cursor", after.encoded());
        Map<String, String> values = new java.util.HashMap<>();
        request.getParameterMap().forEach((name, v) -> values.put(name, v[0]));
        return next.encode().buildAndExpand(values).toUriString();
    }
}
