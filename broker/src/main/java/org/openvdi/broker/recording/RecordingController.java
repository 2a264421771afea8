package org.openvdi.broker.recording;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.recording.RecordingFiles.Seen;
import org.openvdi.broker.recording.RecordingQueries.Located;
import org.openvdi.broker.recording.api.DeleteRecordingCommand;
import org.openvdi.broker.recording.api.PlayRecordingCommand;
import org.openvdi.broker.recording.api.RecordRecordingsReadCommand;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Session recordings, for auditors only: the recordings of a session, one recording, its file (with byte ranges)
 * for the player at {@code /recordings.html?id=}, and deletion. A recording is addressed by its id only; the
 * file's name and place never appear in a request or an answer. Playing and deleting are events.
 */
@RestController
@RequestMapping("/api/recordings")
@Tag(name = "Recordings", description = "Session recordings (auditors)")
class RecordingController {

    private static final Logger log = LoggerFactory.getLogger(RecordingController.class);
    private static final MediaType GUACAMOLE = MediaType.parseMediaType("application/vnd.openvdi.guacamole-recording");

    private final RecordingQueries recordings;
    private final RecordingFiles files;
    private final AuditedCommands commands;

    RecordingController(RecordingQueries recordings, RecordingFiles files, AuditedCommands commands) {
        this.recordings = recordings;
        this.files = files;
        this.commands = commands;
    }

    @Operation(summary = "The recordings of a session, oldest first (auditors)",
            description = "Reading them is recorded as a read of audit data (AuditDataReadEvent, RECORDINGS).")
    @GetMapping
    List<RecordingView> ofSession(@RequestParam UUID sessionId, Authentication who) {
        List<RecordingView> found = recordings.ofSession(sessionId);
        read(who, Map.of("sessionId", sessionId.toString()), found.size());
        return found;
    }

    @Operation(summary = "One recording: state, size, SHA-256, plays, deletion (auditors)",
            description = "Reading it is recorded as a read of audit data (AuditDataReadEvent, RECORDINGS).")
    @GetMapping("/{id}")
    RecordingView get(@PathVariable UUID id, Authentication who) {
        Optional<RecordingView> found = recordings.find(id);
        read(who, Map.of("id", id.toString()), found.isPresent() ? 1 : 0);
        return found.orElseThrow(() -> notFound(id));
    }

    /** Every read of the recordings' data is an event, as every read of the audit answers is. */
    private void read(Authentication who, Map<String, String> filters, long count) {
        commands.send(new RecordRecordingsReadCommand(UUID.randomUUID(), who.getName(), filters, count), who.getName());
    }

    @Operation(summary = "The recording's file, in Guacamole's protocol (auditors)", description = """
            Serves a stored recording for guacamole-common-js's session recording player. Byte ranges (Range: \
            bytes=...) answer 206; a range outside the file answers 416 RANGE_NOT_SATISFIABLE. A request from the \
            start of the file (no range, or one starting at byte 0) is a playback and is recorded as \
            RecordingPlayedEvent before the file is served. 409 RECORDING_NOT_AVAILABLE while it is still being \
            recorded, when guacd wrote none, or when the file no longer has the size that was recorded; 410 \
            RECORDING_DELETED once deleted.""")
    @GetMapping("/{id}/file")
    ResponseEntity<Resource> file(@PathVariable UUID id, @RequestHeader(name = HttpHeaders.RANGE, required = false)
                                  String range, HttpServletRequest request, HttpServletResponse response,
                                  Authentication who) throws IOException {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            // another site's page may make the browser fetch this, but must not make it play (and record a play)
            throw new BrokerException(ErrorCode.FORBIDDEN, "Recordings are played from the broker's own pages only");
        }
        Located recording = recordings.locate(id).orElseThrow(() -> notFound(id));
        available(recording.view());
        long size = recording.view().sizeBytes();
        Optional<Seen> seen = files.look(recording.fileName());
        if (seen.isEmpty() || seen.get().size() != size) {
            log.error("The file of recording {} is gone or no longer {} bytes", id, size);
            throw new BrokerException(ErrorCode.RECORDING_NOT_AVAILABLE,
                    "The recording's file is gone or has changed since it was stored");
        }
        Resource resource = new FileSystemResource(files.resolve(recording.fileName()));
        List<HttpRange> ranges = ranges(range, resource, size, response);
        boolean fromTheStart = ranges.isEmpty() || ranges.get(0).getRangeStart(size) == 0;
        if (fromTheStart && "GET".equals(request.getMethod())) {
            commands.send(new PlayRecordingCommand(id, request.getRemoteAddr()), who.getName());
            log.info("{} plays recording {} of session {}", who.getName(), id, recording.view().sessionId());
        }
        return ResponseEntity.ok().contentType(GUACAMOLE).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .eTag("\"" + recording.view().sha256() + "\"")
                .header("X-Recording-Sha256", recording.view().sha256())
                .body(resource);
    }

    @Operation(summary = "Delete a recording: its file goes, its events stay (auditors)")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id, Authentication who) throws IOException {
        Located recording = recordings.locate(id).orElseThrow(() -> notFound(id));
        commands.send(new DeleteRecordingCommand(id, RecordingDeletionReason.AUDITOR), who.getName());
        files.delete(recording.fileName());
        log.info("{} deleted recording {} of session {}", who.getName(), id, recording.view().sessionId());
        return ResponseEntity.noContent().build();
    }

    private static void available(RecordingView view) {
        if (view.state() == RecordingState.DELETED) {
            throw new BrokerException(ErrorCode.RECORDING_DELETED, "The recording was deleted");
        }
        if (view.state() != RecordingState.STORED) {
            throw new BrokerException(ErrorCode.RECORDING_NOT_AVAILABLE, view.state() == RecordingState.MISSING
                    ? "guacd wrote no recording" : "The connection is still being recorded");
        }
    }

    /** The requested ranges, checked here so that a bad one answers a problem, not a bare 416. */
    private static List<HttpRange> ranges(String header, Resource resource, long size, HttpServletResponse response) {
        if (header == null) {
            return List.of();
        }
        try {
            List<HttpRange> ranges = HttpRange.parseRanges(header);
            HttpRange.toResourceRegions(ranges, resource);
            return ranges;
        } catch (IllegalArgumentException e) {
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            throw new BrokerException(ErrorCode.RANGE_NOT_SATISFIABLE, "The range is not valid for this recording");
        }
    }

    private static BrokerException notFound(UUID id) {
        return new BrokerException(ErrorCode.RECORDING_NOT_FOUND, "No recording " + id);
    }
}
