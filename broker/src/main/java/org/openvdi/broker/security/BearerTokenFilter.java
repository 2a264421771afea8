package org.openvdi.broker.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs in a request that presents an API token ({@code Authorization: Bearer <token>}) as the token's user, with the
 * user's roles as they are now: one indexed lookup, no password hash. When single sign-on is on, a JWT access token
 * from the identity provider is accepted too ({@link ProviderAccessTokens}), with the user and roles its claims give.
 * A request with a token that is malformed, unknown, expired or revoked, or whose user no longer exists, gets 401
 * and goes no further; 503 when the provider that issued an access token cannot be reached, with {@code Retry-After}
 * saying when the broker asks it again. Requests without a
 * Bearer header pass on untouched.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final Pattern BEARER = Pattern.compile("(?i)Bearer[ \\t]+(\\S{1," + ProviderAccessTokens.MAX_LENGTH
            + "})[ \\t]*");
    private static final int MAX_API_TOKEN = 200;

    private final BearerTokens tokens;
    private final UserDirectory users;
    private final SecurityProblems problems;
    private final Optional<ProviderAccessTokens> accessTokens;

    BearerTokenFilter(BearerTokens tokens, UserDirectory users, SecurityProblems problems,
            Optional<ProviderAccessTokens> accessTokens) {
        this.tokens = tokens;
        this.users = users;
        this.problems = problems;
        this.accessTokens = accessTokens;
    }

    /** Whether the request presents a Bearer token (well-formed or not). */
    static boolean present(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer", 0, 6);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!present(request)) {
            chain.doFilter(request, response);
            return;
        }
        var token = BEARER.matcher(request.getHeader("Authorization"));
        UsernamePasswordAuthenticationToken signedIn;
        if (token.matches() && accessTokens.isPresent() && ProviderAccessTokens.looksLikeJwt(token.group(1))) {
            ProviderAccessTokens.Verdict verdict = accessTokens.get().verify(token.group(1));
            if (verdict instanceof ProviderAccessTokens.Refused refused) {
                problems.write(response, ErrorCode.UNAUTHENTICATED, refused.reason());
                return;
            }
            if (verdict instanceof ProviderAccessTokens.ProviderUnreachable unreachable) {
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(unreachable.retryAfter().toSeconds()));
                problems.write(response, ErrorCode.IDENTITY_PROVIDER_UNREACHABLE,
                        Problems.tryLaterDetail(ErrorCode.IDENTITY_PROVIDER_UNREACHABLE));
                return;
            }
            ProviderAccessTokens.Accepted accepted = (ProviderAccessTokens.Accepted) verdict;
            signedIn = UsernamePasswordAuthenticationToken.authenticated(accepted.user(), null, accepted.authorities());
        } else {
            Optional<BearerTokens.Holder> holder = token.matches() && token.group(1).length() <= MAX_API_TOKEN
                    ? tokens.holderOf(token.group(1)) : Optional.empty();
            Optional<UserDetails> user = holder.flatMap(h -> userNamed(h.user()));
            if (user.isEmpty()) {
                problems.write(response, ErrorCode.UNAUTHENTICATED, "The API token is unknown, expired or revoked");
                return;
            }
            signedIn = UsernamePasswordAuthenticationToken.authenticated(
                    user.get().getUsername(), null, user.get().getAuthorities());
            signedIn.setDetails(new TokenAuthenticated(holder.get().tokenId()));
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(signedIn);
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** A local user as configured now, or a provider's or directory's user with the roles of their latest sign-in. */
    private Optional<UserDetails> userNamed(String name) {
        return users.forToken(name).filter(details -> details.isEnabled() && details.isAccountNonLocked());
    }
}
