package org.openvdi.gateway.redeem;

import java.net.http.HttpClient;
import org.openvdi.gateway.GatewaySettings;
import org.springframework.http.client.BufferingClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The one way the gateway's clients call the broker's internal API: the configured broker URL, HTTP Basic user
 * {@code gateway} with the shared secret, HTTP/1.1, and the broker timeout for connecting and for each answer.
 * Requests are buffered, so their small JSON bodies go out with a Content-Length rather than chunked.
 */
final class BrokerRestClients {

    private BrokerRestClients() {
    }

    static RestClient forBroker(RestClient.Builder builder, GatewaySettings settings) {
        HttpClient httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.brokerTimeout())
                .build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(settings.brokerTimeout());
        return builder
                .baseUrl(settings.brokerUrl().toString())
                .requestFactory(new BufferingClientHttpRequestFactory(requestFactory))
                .defaultHeaders(headers -> headers.setBasicAuth("gateway", settings.brokerSecret()))
                .build();
    }
}
