package org.openvdi.broker.web;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.openvdi.broker.error.ErrorCode;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * Gives every published operation its real answers, derived from the product's own error mapping rather than
 * written by hand per method: the success status its code picks (202, 201, 204), and one problem+json response per
 * HTTP status it can refuse with, each listing the {@link ErrorCode}s behind it with an example body built by
 * {@link Problems}. The codes come from
 * <ul>
 * <li>the shape of the endpoint: 400 VALIDATION_FAILED for parameters or a body, 401 UNAUTHENTICATED and 403
 *     FORBIDDEN everywhere (the whole API is signed in), 404 NOT_FOUND for a path with ids, 413 PAYLOAD_TOO_LARGE and
 *     415 UNSUPPORTED_MEDIA_TYPE for a body, 503 BUSY (a lost race) for writes, 503 DATABASE_UNAVAILABLE and
 *     SERVICE_BUSY everywhere, and 503 IDENTITY_PROVIDER_UNREACHABLE everywhere when the document names the OpenID
 *     Connect scheme (clients may send the provider's access tokens); each 503 with {@code Retry-After};</li>
 * <li>the controller's compiled code ({@link HandlerBytecode});</li>
 * <li>{@link Refuses} for what an aggregate or an interceptor refuses with.</li>
 * </ul>
 */
@Component
class ProblemResponses implements GlobalOperationCustomizer {

    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    private final HandlerBytecode bytecode = new HandlerBytecode();
    /** Whether clients may present the identity provider's access tokens (the document names the oidc scheme). */
    private final boolean providerTokens;

    ProblemResponses(OpenApiProperties properties) {
        this.providerTokens = properties.oidcIssuer() != null;
    }

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        Method method = handler.getMethod();
        if (method.getName().equals(operation.getOperationId())) {
            RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
            boolean read = mapping != null && Arrays.asList(mapping.method()).equals(List.of(RequestMethod.GET));
            operation.setOperationId(operationId(ClassUtils.getUserClass(handler.getBeanType()), method, read));
        }
        HandlerBytecode.Answers answers = bytecode.of(ClassUtils.getUserClass(handler.getBeanType()), method);
        ApiResponses responses = operation.getResponses() != null ? operation.getResponses() : new ApiResponses();
        successes(responses, answers.successes());
        Set<ErrorCode> refusals = EnumSet.noneOf(ErrorCode.class);
        refusals.addAll(shapeRefusals(handler, method));
        if (providerTokens) {
            refusals.add(ErrorCode.IDENTITY_PROVIDER_UNREACHABLE);
        }
        refusals.addAll(answers.refusals());
        Refuses declared = AnnotatedElementUtils.findMergedAnnotation(method, Refuses.class);
        if (declared != null) {
            refusals.addAll(Arrays.asList(declared.value()));
        }
        Map<Integer, Set<ErrorCode>> byStatus = new TreeMap<>();
        for (ErrorCode code : refusals) {
            if (code.httpStatus() >= 400) {
                byStatus.computeIfAbsent(code.httpStatus(), s -> EnumSet.noneOf(ErrorCode.class)).add(code);
            }
        }
        byStatus.forEach((status, codes) -> responses.computeIfAbsent(String.valueOf(status), s -> new ApiResponse())
                .description(description(status, codes))
                .content(problemContent(codes))
                .headers(status == 429 || status == 503 ? Map.of("Retry-After", retryAfter(codes)) : null));
        operation.setResponses(sorted(responses));
        return operation;
    }

    /**
     * A name a client generator can use, from the method and the controller's resource ({@code deletePool},
     * {@code requestSession}, {@code listHosts}, {@code getMe}, {@code verifyChain}) instead of springdoc's
     * {@code delete_3}.
     */
    static String operationId(Class<?> controller, Method method, boolean read) {
        String resource = controller.getSimpleName().replaceAll("Controller$", "");
        String name = method.getName();
        String capitalized = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        if (resource.contains(capitalized)) {
            String rest = resource.replace(capitalized, "");
            return read || rest.isEmpty() ? "get" + resource : name + rest;
        }
        return name + resource + (name.equals("list") && !resource.endsWith("s") ? "s" : "");
    }

    /** The success statuses the code picks replace springdoc's default 200, each with the same body. */
    private static void successes(ApiResponses responses, Set<Integer> statuses) {
        ApiResponse ok = responses.get("200");
        if (statuses.isEmpty() || ok == null || statuses.equals(Set.of(200))) {
            return;
        }
        if (!statuses.contains(200)) {
            responses.remove("200");
        }
        for (int status : statuses) {
            String key = String.valueOf(status);
            if (!responses.containsKey(key)) {
                HttpStatus known = HttpStatus.valueOf(status);
                responses.addApiResponse(key, new ApiResponse().description(known.getReasonPhrase())
                        .content(status == 204 ? null : ok.getContent()));
            }
        }
    }

    private static final Set<ErrorCode> TRY_LATER = EnumSet.of(ErrorCode.BUSY, ErrorCode.SERVICE_BUSY,
            ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.IDENTITY_PROVIDER_UNREACHABLE);

    private static Set<ErrorCode> shapeRefusals(HandlerMethod handler, Method method) {
        Set<ErrorCode> codes = EnumSet.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN);
        boolean body = false;
        boolean input = false;
        boolean path = false;
        for (MethodParameter parameter : handler.getMethodParameters()) {
            body |= parameter.hasParameterAnnotation(RequestBody.class);
            path |= parameter.hasParameterAnnotation(PathVariable.class);
            input |= parameter.hasParameterAnnotation(RequestParam.class)
                    || HttpServletRequest.class.isAssignableFrom(parameter.getParameterType());
        }
        if (body || input || path) {
            codes.add(ErrorCode.VALIDATION_FAILED);
        }
        if (path) {
            codes.add(ErrorCode.NOT_FOUND);
        }
        if (body) {
            codes.add(ErrorCode.PAYLOAD_TOO_LARGE);
            codes.add(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        }
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
        if (mapping != null && Arrays.stream(mapping.method()).anyMatch(m -> m != RequestMethod.GET)) {
            codes.add(ErrorCode.BUSY);
        }
        // every request may need the database (its sign-in, its API token, the answer itself)
        codes.add(ErrorCode.DATABASE_UNAVAILABLE);
        codes.add(ErrorCode.SERVICE_BUSY);
        return codes;
    }

    private static String description(int status, Set<ErrorCode> codes) {
        HttpStatus known = HttpStatus.resolve(status);
        return (known != null ? known.getReasonPhrase() : "Refused") + ": "
                + codes.stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static Content problemContent(Set<ErrorCode> codes) {
        MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + OpenApiConfiguration.PROBLEM));
        for (ErrorCode code : codes) {
            media.addExamples(code.name(), new Example().summary(code.name()).value(example(code)));
        }
        return new Content().addMediaType(PROBLEM_JSON, media);
    }

    /** The body as {@link Problems} builds it, as plain JSON values, with the detail it is answered with. */
    private static Map<String, Object> example(ErrorCode code) {
        ProblemDetail problem = Problems.of(code, TRY_LATER.contains(code) ? Problems.tryLaterDetail(code)
                : Problems.defaultDetail(code.httpStatus()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }

    /** Seconds to wait, and what each code of the response names there. */
    private static Header retryAfter(Set<ErrorCode> codes) {
        StringBuilder description = new StringBuilder("Seconds to wait before trying again");
        String each = codes.stream().map(ProblemResponses::retryAfterOf).filter(s -> !s.isEmpty())
                .collect(Collectors.joining("; "));
        if (!each.isEmpty()) {
            description.append(": ").append(each);
        }
        Integer first = codes.stream().map(Problems.RETRY_AFTER_SECONDS::get).filter(s -> s != null).findFirst()
                .orElse(null);
        return new Header().description(description.toString()).schema(new IntegerSchema()).example(first);
    }

    private static String retryAfterOf(ErrorCode code) {
        Integer seconds = Problems.RETRY_AFTER_SECONDS.get(code);
        if (seconds != null) {
            return code.name() + " " + seconds;
        }
        return switch (code) {
            case IDENTITY_PROVIDER_UNREACHABLE -> code.name() + " until the broker asks the identity provider again";
            case RATE_LIMITED -> code.name() + " until the limit's minute is over";
            default -> "";
        };
    }

    private static ApiResponses sorted(ApiResponses responses) {
        ApiResponses sorted = new ApiResponses();
        new TreeMap<>(responses).forEach(sorted::addApiResponse);
        if (responses.getExtensions() != null) {
            sorted.setExtensions(responses.getExtensions());
        }
        return sorted;
    }
}
