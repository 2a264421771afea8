package org.openvdi.broker.security;

import java.util.Map;
import java.util.Objects;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestOperations;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The broker's HTTP calls to its OpenID Connect provider (the discovery document, the key set), each bounded by
 * {@code connect-timeout} and {@code read-timeout}: a provider that drops packets or accepts and never answers holds
 * a request for at most their sum, never indefinitely. Library defaults have no timeout at all.
 */
final class ProviderRequests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
    };

    private ProviderRequests() {
    }

    /** A client whose every request to the provider gives up after the configured timeouts. */
    static RestOperations client(OidcProperties properties) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(properties.connectTimeout());
        requests.setReadTimeout(properties.readTimeout());
        return new RestTemplate(requests);
    }

    /**
     * The provider's discovery document ({@code <issuer>/.well-known/openid-configuration}), checked to name the
     * configured issuer, as OpenID Connect Discovery requires.
     */
    static Map<String, Object> discovery(OidcProperties properties) {
        String issuer = properties.issuerUri();
        var address = UriComponentsBuilder.fromUriString(issuer.replaceAll("/+$", ""))
                .path("/.well-known/openid-configuration").build().toUri();
        Map<String, Object> document = client(properties).exchange(RequestEntity.method(HttpMethod.GET, address)
                .accept(MediaType.APPLICATION_JSON).build(), JSON_OBJECT).getBody();
        if (document == null || !Objects.equals(document.get("issuer"), issuer)) {
            throw new IllegalStateException("The provider's discovery document names another issuer than " + issuer);
        }
        return document;
    }
}
