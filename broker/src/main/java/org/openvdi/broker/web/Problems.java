package org.openvdi.broker.web;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Builds every problem body the broker answers with, whoever noticed the fault (a controller, Spring MVC,
 * the servlet container): our {@code urn:openvdi:problem:} type, the code as title and {@code code}, and a
 * detail written here or by our own code, never an exception message of the JVM or a library.
 */
public final class Problems {

    /** The code of a fault that only has an HTTP status. */
    private static final Map<Integer, ErrorCode> BY_STATUS = Map.of(
            400, ErrorCode.VALIDATION_FAILED,
            401, ErrorCode.UNAUTHENTICATED,
            403, ErrorCode.FORBIDDEN,
            404, ErrorCode.NOT_FOUND,
            413, ErrorCode.PAYLOAD_TOO_LARGE,
            415, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            429, ErrorCode.RATE_LIMITED);

    private static final Map<Integer, String> DETAILS = Map.of(
            400, "The request is not valid",
            404, "There is nothing at this address",
            405, "This method is not allowed here",
            406, "This resource answers application/json only",
            413, "The request body is too large",
            415, "Send the body as application/json");

    /**
     * The 503s that ask the client to try later: their detail and the seconds their {@code Retry-After} names (a lost
     * race, a pool whose connections all stayed in use, a database away). {@link ProblemDetailsAdvice} answers with
     * them and {@link ProblemResponses} documents them, so the document shows what the broker says.
     */
    static final Map<ErrorCode, Integer> RETRY_AFTER_SECONDS = Map.of(
            ErrorCode.BUSY, 1,
            ErrorCode.SERVICE_BUSY, 2,
            ErrorCode.DATABASE_UNAVAILABLE, 5);

    private static final Map<ErrorCode, String> TRY_LATER_DETAILS = Map.of(
            ErrorCode.BUSY, "Someone else is changing the same thing; try again",
            ErrorCode.SERVICE_BUSY, "The broker is busy; nothing was changed, try again shortly",
            ErrorCode.DATABASE_UNAVAILABLE,
            "The broker's database cannot be reached; nothing was changed, try again shortly",
            ErrorCode.IDENTITY_PROVIDER_UNREACHABLE,
            "The identity provider that issued the access token cannot be reached; try again later");

    private Problems() {
    }

    /** The detail of a 503 that asks to try later ({@code BUSY}, {@code SERVICE_BUSY}, ...), as it is answered. */
    public static String tryLaterDetail(ErrorCode code) {
        String detail = TRY_LATER_DETAILS.get(code);
        if (detail == null) {
            throw new IllegalArgumentException(code + " does not ask to try later");
        }
        return detail;
    }

    /** The problem a business or security refusal answers with. */
    public static ProblemDetail of(ErrorCode code, String detail) {
        return of(code.httpStatus(), code.name(), detail);
    }

    /**
     * A problem for a bare HTTP status: its generic {@link ErrorCode} where there is one (400, 404, 413, ...),
     * otherwise the status' own name (405 METHOD_NOT_ALLOWED, 500 INTERNAL_SERVER_ERROR).
     */
    static ProblemDetail forStatus(int status, String detail) {
        ErrorCode code = BY_STATUS.get(status);
        if (code != null) {
            return of(code, detail);
        }
        HttpStatus known = HttpStatus.resolve(status);
        return of(status, known != null ? known.name() : "HTTP_" + status, detail);
    }

    /** A problem for a bare HTTP status with our generic detail for it. */
    static ProblemDetail forStatus(int status) {
        return forStatus(status, defaultDetail(status));
    }

    static String defaultDetail(int status) {
        String detail = DETAILS.get(status);
        if (detail != null) {
            return detail;
        }
        HttpStatus known = HttpStatus.resolve(status);
        return status >= 500 ? "The broker could not answer this request"
                : known != null ? known.getReasonPhrase() : "The request was refused";
    }

    static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static ProblemDetail of(int status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setType(URI.create("urn:openvdi:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-')));
        problem.setTitle(code);
        problem.setProperty("code", code);
        return problem;
    }
}
