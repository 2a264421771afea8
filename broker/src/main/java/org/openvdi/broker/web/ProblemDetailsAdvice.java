package org.openvdi.broker.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.common.AxonException;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.DatabaseBusy;
import org.openvdi.broker.error.DatabaseUnavailable;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.error.LostRace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.TransactionException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where failures in controllers become {@code application/problem+json} (the servlet
 * container's own refusals take the same shape in {@link ProblemErrorController} and {@link ProblemReportValve}).
 * Details name the field or parameter at fault; they never carry an exception message or echo the input.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
    /** A JSON field name we may repeat in a detail; anything else (the client's own keys) is not echoed. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");

    @ExceptionHandler({BrokerException.class, CommandExecutionException.class, DuplicateKeyException.class})
    ResponseEntity<ProblemDetail> business(RuntimeException exception) {
        BrokerException business = businessCause(exception);
        if (business == null) {
            if (exception instanceof DuplicateKeyException || exception.getCause() instanceof DuplicateKeyException) {
                return problem(ErrorCode.NAME_TAKEN, "A resource with that name already exists");
            }
            if (LostRace.causes(exception)) {
                return busy(exception);
            }
            if (DatabaseBusy.causes(exception)) {
                return poolBusy(exception);
            }
            if (DatabaseUnavailable.causes(exception)) {
                return databaseUnavailable(exception);
            }
            log.error("Command failed", exception);
            return Problems.answer(Problems.forStatus(500, "The command failed"));
        }
        log.debug("Rejected: {} {}", business.code(), business.getMessage());
        if (!business.fieldErrors().isEmpty()) {
            ProblemDetail detail = Problems.of(business.code(), business.getMessage());
            detail.setProperty("errors", business.fieldErrors().entrySet().stream()
                    .map(e -> Map.of("field", e.getKey(), "message", e.getValue())).toList());
            return Problems.answer(detail);
        }
        return problem(business.code(), business.getMessage());
    }

    /**
     * A command that kept losing the race for its aggregate (its lock here, or its next event to another broker)
     * after the gateway's retries: nothing was changed, and the client may try again shortly.
     */
    @ExceptionHandler({LockAcquisitionFailedException.class, ConcurrencyException.class})
    ResponseEntity<ProblemDetail> busy(RuntimeException exception) {
        log.warn("Command gave up on a busy aggregate: {}", exception.toString());
        return busyAnswer();
    }

    private static ResponseEntity<ProblemDetail> busyAnswer() {
        return tryLater(ErrorCode.BUSY);
    }

    /**
     * A read or a write that found no database (stopped, restarting, cut off), or no free connection to a database
     * that answers: answered within the pool's connection-timeout, never after a hang; other data-access failures
     * stay 500s and are logged as faults.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class, AxonException.class})
    ResponseEntity<ProblemDetail> dataAccess(RuntimeException exception) {
        if (DatabaseBusy.causes(exception)) {
            return poolBusy(exception);
        }
        if (DatabaseUnavailable.causes(exception)) {
            return databaseUnavailable(exception);
        }
        log.error("Request failed", exception);
        return Problems.answer(Problems.forStatus(500));
    }

    static ResponseEntity<ProblemDetail> databaseUnavailable(Throwable exception) {
        log.warn("Answered 503, the database cannot be reached: {}", exception.toString());
        return tryLater(ErrorCode.DATABASE_UNAVAILABLE);
    }

    /**
     * Every connection of the pool stayed in use for the pool's connection-timeout, and no attempt to open one
     * failed: the database is up and the broker is overloaded. Said apart from an unreachable database, so that
     * operators and clients see which of the two it is.
     */
    static ResponseEntity<ProblemDetail> poolBusy(Throwable exception) {
        log.warn("Answered 503, every database connection is in use: {}", exception.toString());
        return tryLater(ErrorCode.SERVICE_BUSY);
    }

    private static ResponseEntity<ProblemDetail> tryLater(ErrorCode code) {
        ProblemDetail detail = Problems.of(code, Problems.tryLaterDetail(code));
        return ResponseEntity.status(detail.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(Problems.RETRY_AFTER_SECONDS.get(code))).body(detail);
    }

    /** A command that creates something under an id that another request created first. */
    @ExceptionHandler(AggregateStreamCreationException.class)
    ResponseEntity<ProblemDetail> createdMeanwhile(AggregateStreamCreationException exception) {
        log.debug("Created meanwhile", exception);
        return problem(ErrorCode.ILLEGAL_STATE, "It was created meanwhile by another request");
    }

    /** A command to something deleted meanwhile (another request got there first). */
    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<ProblemDetail> gone(AggregateNotFoundException exception) {
        log.debug("No such aggregate", exception);
        return problem(ErrorCode.NOT_FOUND, "It does not exist, or was deleted meanwhile");
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> denied(RuntimeException exception) {
        return problem(ErrorCode.FORBIDDEN, "You are not allowed to do this");
    }

    /** Thrown by libraries with messages that may repeat the input: logged, never answered. */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badArgument(IllegalArgumentException exception) {
        log.debug("Invalid argument", exception);
        return problem(ErrorCode.VALIDATION_FAILED, "The request has an invalid value");
    }

    /** Method validation of a {@code @Validated} bean. */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> invalidParameters(ConstraintViolationException exception) {
        String names = exception.getConstraintViolations().stream().map(v -> lastName(v.getPropertyPath()))
                .distinct().sorted().collect(Collectors.joining(", "));
        return problem(ErrorCode.VALIDATION_FAILED, "Invalid parameters: " + names);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(ProblemDetailsAdvice::fieldError).toList();
        ProblemDetail detail = Problems.of(ErrorCode.VALIDATION_FAILED, "The request has invalid fields: "
                + errors.stream().map(e -> e.get("field")).distinct().collect(Collectors.joining(", ")));
        detail.setProperty("errors", errors);
        return body(detail);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        String names = ex.getParameterValidationResults().stream()
                .map(r -> r.getMethodParameter().getParameterName()).distinct().collect(Collectors.joining(", "));
        return body(Problems.of(ErrorCode.VALIDATION_FAILED, "The request has invalid parameters: " + names));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        return body(Problems.of(ErrorCode.VALIDATION_FAILED, "Invalid value for " + ex.getPropertyName()));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        return body(Problems.of(ErrorCode.VALIDATION_FAILED, "Missing parameter " + ex.getParameterName()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof RequestSizeLimitFilter.PayloadTooLargeException) {
                return body(Problems.forStatus(413));
            }
        }
        String why = ex.getCause() instanceof UnrecognizedPropertyException unknown
                ? "Unknown field " + path(unknown)
                : ex.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? "Invalid value for " + path(mapping)
                : ex.getCause() instanceof JsonProcessingException
                ? "The request body is not valid JSON of the expected shape"
                : "The request body is missing or unreadable";
        log.debug("Unreadable body: {}", why, ex);
        ProblemDetail problem = Problems.of(ErrorCode.VALIDATION_FAILED, why);
        if (ex.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            // the field at fault, as bean validation names it, so a form can show the message next to it
            problem.setProperty("errors", List.of(Map.of("field", path(mapping), "message", why)));
        }
        return body(problem);
    }

    /**
     * Spring's own refusals (404, 405, 406, 415, ...): our type and code, our detail, their headers (Allow, Accept);
     * a person's browser opening a page that is not there gets the HTML {@link ErrorPage} instead.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (statusCode.is5xxServerError()) {
            log.error("Request failed", ex);
        }
        HttpServletRequest servletRequest = request instanceof NativeWebRequest in
                ? in.getNativeRequest(HttpServletRequest.class) : null;
        if (servletRequest != null && BrowserNavigation.wantsPage(servletRequest)) {
            ResponseEntity<Object> page = ErrorPage.answer(statusCode.value(), BrowserNavigation.path(servletRequest));
            HttpHeaders merged = new HttpHeaders();
            if (headers != null) {
                merged.putAll(headers);
            }
            merged.putAll(page.getHeaders());
            return new ResponseEntity<>(page.getBody(), merged, statusCode);
        }
        HttpHeaders answered = new HttpHeaders();
        if (headers != null) {
            answered.putAll(headers);
        }
        answered.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, Problems.forStatus(statusCode.value()), answered, statusCode, request);
    }

    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            String name = reference.getFieldName();
            if (name == null) {
                path.append('[').append(Math.max(reference.getIndex(), 0)).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(fieldName(name));
            }
        }
        return path.isEmpty() ? "the body" : path.toString();
    }

    /** A field name as a client sent it, when it is a plain name; else "?" (it is echoed in the answer). */
    static String fieldName(String name) {
        return FIELD_NAME.matcher(name).matches() ? name : "?";
    }

    private static String lastName(Path path) {
        String name = "?";
        for (Path.Node node : path) {
            name = node.getName();
        }
        return name;
    }

    private static Map<String, String> fieldError(FieldError error) {
        return Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage()));
    }

    private static ResponseEntity<Object> body(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    static ResponseEntity<ProblemDetail> problem(ErrorCode code, String message) {
        return Problems.answer(Problems.of(code, message));
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
