package org.openvdi.broker.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The one place where the security layer's refusals become {@code application/problem+json}: UTF-8,
 * written by the JSON writer, with the same type, title and code as the REST layer's problems.
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
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:openvdi:problem:" + code.name().toLowerCase().replace('_', '-'));
        problem.put("title", code.name());
        problem.put("status", code.httpStatus());
        problem.put("detail", detail);
        problem.put("code", code.name());
        byte[] body = json.writeValueAsBytes(problem);
        response.resetBuffer();
        response.setStatus(code.httpStatus());
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
