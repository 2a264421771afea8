package org.openvdi.broker.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.openvdi.broker.error.DatabaseBusy;
import org.openvdi.broker.error.DatabaseUnavailable;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error}, where the servlet container sends every {@code sendError} and every exception that left a
 * filter or servlet (a body refused by {@link RequestSizeLimitFilter}, a page the security layer refuses, a failure
 * outside Spring MVC). Answers problem+json, or the HTML {@link ErrorPage} to a person's browser opening a page
 * ({@link BrowserNavigation}); never Spring's Whitelabel page, never the exception's message. Asked for directly,
 * {@code /error} is a page that does not exist.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<?> error(HttpServletRequest request) {
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (DatabaseBusy.causes(failure)) {
            return ProblemDetailsAdvice.poolBusy(failure);
        }
        if (DatabaseUnavailable.causes(failure)) {
            // a filter's read (sign-in throttle, API token) found no database: the same answer as a controller's
            return ProblemDetailsAdvice.databaseUnavailable(failure);
        }
        int status = status(request);
        if (BrowserNavigation.wantsPage(request)) {
            return ErrorPage.answer(status, BrowserNavigation.path(request));
        }
        return Problems.answer(Problems.forStatus(status));
    }

    private static int status(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null) {
            return 500;
        }
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return status instanceof Integer code && code >= 400 && code <= 599 ? code : 404;
    }
}
