package org.openvdi.broker.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.HtmlUtils;

/**
 * The small HTML page a person's browser gets instead of problem+json ({@link BrowserNavigation}): the portal's
 * style sheet, the status kept, what happened in plain words, the address asked for (escaped, without control or
 * invisible characters, shortened), and a link back to the portal. No script and no inline style, so the
 * Content-Security-Policy of every page holds; no exception text and no stack trace.
 */
final class ErrorPage {

    /** The longest address shown, in code points; longer ones are cut with an ellipsis. */
    static final int MAX_SHOWN_PATH = 120;
    static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private record Wording(String title, String message) {
    }

    private static final Map<Integer, Wording> WORDING = Map.of(
            400, new Wording("Bad request", "The broker could not read this request."),
            403, new Wording("Not allowed", "Your account may not open this page. If you need it, ask an administrator."),
            404, new Wording("Page not found", "There is no page at this address. The link may be mistyped or out of date."),
            405, new Wording("Not allowed here", "This page cannot be used this way."),
            429, new Wording("Too many requests", "Wait a moment, then try again."));

    private ErrorPage() {
    }

    static ResponseEntity<Object> answer(int status, String path) {
        return ResponseEntity.status(status).contentType(HTML).cacheControl(CacheControl.noStore())
                .body(render(status, path));
    }

    static String render(int status, String path) {
        Wording wording = wording(status);
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <meta name="robots" content="noindex">
                  <title>%2$s · OpenVDI</title>
                  <link rel="stylesheet" href="/css/app.css">
                </head>
                <body class="error-page">
                <header><h1>OpenVDI</h1><nav><a href="/">My desktops</a></nav></header>
                <main>
                  <section class="card login" id="problem" data-status="%1$d">
                    <h3 id="problem-title">%1$d · %2$s</h3>
                    <p id="problem-message">%3$s</p>
                    <p class="muted">Address: <code id="problem-path">%4$s</code></p>
                    <p><a class="button" id="back" href="/">Back to the portal</a></p>
                  </section>
                </main>
                </body>
                </html>
                """.formatted(status, escape(wording.title()), escape(wording.message()), escape(shown(path)));
    }

    private static Wording wording(int status) {
        Wording known = WORDING.get(status);
        if (known != null) {
            return known;
        }
        if (status >= 500) {
            return new Wording("Something went wrong", "The broker could not answer this request. Try again in a moment.");
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        return new Wording(resolved != null ? resolved.getReasonPhrase() : "Refused", "The broker refused this request.");
    }

    /**
     * The address as it may be shown: control, format (bidirectional overrides, zero-width) and other invisible or
     * unassigned characters become {@code ?}, and it is cut at {@value #MAX_SHOWN_PATH} code points.
     */
    static String shown(String path) {
        if (path == null) {
            return "/";
        }
        StringBuilder shown = new StringBuilder();
        int[] codePoints = path.codePoints().limit(MAX_SHOWN_PATH + 1L).toArray();
        for (int i = 0; i < Math.min(codePoints.length, MAX_SHOWN_PATH); i++) {
            shown.appendCodePoint(visible(codePoints[i]) ? codePoints[i] : '?');
        }
        if (codePoints.length > MAX_SHOWN_PATH) {
            shown.append('…');
        }
        return shown.toString();
    }

    private static boolean visible(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text, StandardCharsets.UTF_8.name());
    }
}
