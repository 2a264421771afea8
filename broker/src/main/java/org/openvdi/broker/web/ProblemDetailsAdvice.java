package org.openvdi.broker.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandExecutionException;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** The one place where failures become {@code application/problem+json}. */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler({BrokerException.class, CommandExecutionException.class, DuplicateKeyException.class})
    ResponseEntity<ProblemDetail> business(RuntimeException exception) {
        BrokerException business = businessCause(exception);
        if (business == null) {
            if (exception instanceof DuplicateKeyException || exception.getCause() instanceof DuplicateKeyException) {
                return problem(ErrorCode.NAME_TAKEN, "A resource with that name already exists");
            }
            log.error("Command failed", exception);
            ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "The command failed");
            return ResponseEntity.internalServerError().body(detail);
        }
        log.debug("Rejected: {} {}", business.code(), business.getMessage());
        return problem(business.code(), business.getMessage());
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> denied(RuntimeException exception) {
        return problem(ErrorCode.FORBIDDEN, "You are not allowed to do this");
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badArgument(IllegalArgumentException exception) {
        return problem(ErrorCode.VALIDATION_FAILED, exception.getMessage());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(ProblemDetailsAdvice::fieldError).toList();
        ProblemDetail detail = detail(ErrorCode.VALIDATION_FAILED, "The request has invalid fields");
        detail.setProperty("errors", errors);
        return ResponseEntity.status(400).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        ProblemDetail detail = detail(ErrorCode.VALIDATION_FAILED, "The request has invalid parameters");
        return ResponseEntity.status(400).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(detail);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        boolean tooLarge = false;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            tooLarge |= t instanceof RequestSizeLimitFilter.PayloadTooLargeException;
        }
        if (tooLarge) {
            return ResponseEntity.status(413).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(detail(ErrorCode.VALIDATION_FAILED, "The request body is too large"));
        }
        String why = ex.getCause() instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException invalid
                ? "Invalid value " + invalid.getValue() + " for " + path(invalid)
                : ex.getCause() instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown
                ? "Unknown field " + unknown.getPropertyName()
                : "The request body is not valid JSON of the expected shape";
        return ResponseEntity.status(400).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(ErrorCode.VALIDATION_FAILED, why));
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                .reduce((a, b) -> a + "." + b).orElse("the body");
    }

    /** Spring's own 4xx answers get a code too, so every problem carries one. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof org.springframework.web.ErrorResponse errorResponse) {
            body = errorResponse.getBody();
        }
        if (body instanceof ProblemDetail problem
                && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            problem.setProperty("code", status != null ? status.name() : "HTTP_" + statusCode.value());
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    private static Map<String, String> fieldError(FieldError error) {
        return Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage()));
    }

    static ResponseEntity<ProblemDetail> problem(ErrorCode code, String message) {
        return ResponseEntity.status(code.httpStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(code, message));
    }

    static ProblemDetail detail(ErrorCode code, String message) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(code.httpStatus()), message);
        detail.setType(URI.create("urn:openvdi:problem:" + code.name().toLowerCase().replace('_', '-')));
        detail.setTitle(code.name());
        detail.setProperty("code", code.name());
        return detail;
    }

    private static BrokerException businessCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BrokerException business) {
                return business;
            }
            if (t instanceof CommandExecutionException execution) {
                BrokerException fromDetails = execution.getDetails()
                        .filter(BrokerException.class::isInstance).map(BrokerException.class::cast).orElse(null);
                if (fromDetails != null) {
                    return fromDetails;
                }
            }
        }
        return null;
    }
}
