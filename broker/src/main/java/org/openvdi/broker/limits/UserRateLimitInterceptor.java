package org.openvdi.broker.limits;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Limits how often one signed-in user may request sessions ({@code POST /api/sessions}) and get connect URLs
 * ({@code POST /api/sessions/{id}/connect}), per minute and across brokers. It runs after Spring Security
 * (anonymous callers and roles without access never get here) and before the controller, so a refused
 * request (429 RATE_LIMITED with {@code Retry-After}) sends no command and writes no event. Every attempt
 * counts, refused ones included, until the minute is over.
 */
class UserRateLimitInterceptor implements HandlerInterceptor {

    private final LimitCounters counters;
    private final LimitsProperties properties;

    UserRateLimitInterceptor(LimitCounters counters, LimitsProperties properties) {
        this.counters = counters;
        this.properties = properties;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Principal user = request.getUserPrincipal();
        if (!"POST".equals(request.getMethod()) || user == null) {
            return true;
        }
        boolean connect = request.getRequestURI().endsWith("/connect");
        LimitKind kind = connect ? LimitKind.CONNECT_TOKEN : LimitKind.SESSION_REQUEST;
        int limit = connect ? properties.connectTokensPerMinute() : properties.sessionRequestsPerMinute();
        LimitCounters.Count count = counters.hit(kind, LimitCounters.nameKey(user.getName()), LimitsProperties.MINUTE);
        if (count.hits() <= limit) {
            return true;
        }
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(count.secondsLeft()));
        throw new BrokerException(ErrorCode.RATE_LIMITED, "At most " + limit + (connect ? " connect URLs" : " session requests")
                + " a minute; try again in " + count.secondsLeft() + " s");
    }
}
