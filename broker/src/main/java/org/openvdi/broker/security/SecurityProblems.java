package org.openvdi.broker.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.web.Problems;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Writes the security layer's refusals, which happen before Spring MVC, as {@code application/problem+json}:
 * UTF-8, the body built by {@link Problems} like every other problem of the broker.
 */
@Component
class SecurityProblems {

    private final ObjectMapper json;

    SecurityProblems(ObjectMapper json) {
        this.json = json;
    }

    void write(HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        byte[] body = json.writeValueAsBytes(Problems.of(code, detail));
        response.resetBuffer();
        response.setStatus(code.httpStatus());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
