package org.openvdi.gateway.web;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Builds every problem body the gateway answers over HTTP: {@code urn:openvdi:problem:<code>} as type, the
 * status' name as title and {@code code} ({@code NOT_FOUND}, {@code FORBIDDEN}, {@code UPGRADE_REQUIRED}, ...)
 * and a detail of our own, never an exception's message. Tunnel failures are told over the WebSocket instead
 * (see {@code TunnelFailure}).
 */
final class HttpProblems {

    private HttpProblems() {
    }

    static ProblemDetail forStatus(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        String code = known != null ? known.name() : "HTTP_" + status;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail(status, known));
        problem.setType(URI.create("urn:openvdi:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-')));
        problem.setTitle(code);
        problem.setProperty("code", code);
        return problem;
    }

    private static String detail(int status, HttpStatus known) {
        return switch (status) {
            case 401 -> "Sign in first";
            case 403 -> "You are not allowed to do this";
            case 404 -> "There is nothing at this address";
            case 426 -> "This is a WebSocket endpoint";
            default -> status >= 500 ? "The gateway could not answer this request"
                    : known != null ? known.getReasonPhrase() : "The request was refused";
        };
    }
}
