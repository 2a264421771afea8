package org.openvdi.broker.store;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The token store the streaming processors of every broker share ({@code tokenentry}): each segment of a processor
 * is claimed by one broker at a time, under that broker's node id. A claim that its owner has not extended for
 * {@code openvdi.cluster.claim-timeout} is free for the others, so the work of a broker that died moves to the
 * survivors within that timeout plus a processor's claim interval.
 */
@Configuration(proxyBeanMethods = false)
class TokenStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TokenStoreConfiguration.class);

    @Bean
    TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer, ClusterSettings cluster) {
        log.info("Broker node {} claims event processor segments for {} at a time", cluster.node(), cluster.claimTimeout());
        return JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .serializer(serializer)
                .schema(TokenSchema.builder().build())
                .nodeId(cluster.node())
                .claimTimeout(cluster.claimTimeout())
                .build();
    }
}
