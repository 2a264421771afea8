package org.openvdi.gateway.tunnel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * One thread per open tunnel, which reads guacd and writes to the browser, and one per tunnel being ended when
 * the gateway stops; idle threads are reused.
 */
@Configuration(proxyBeanMethods = false)
class TunnelThreadsConfiguration {

    static final String TUNNEL_THREADS = "tunnelThreads";

    @Bean(name = TUNNEL_THREADS, destroyMethod = "shutdownNow")
    @Qualifier(TUNNEL_THREADS)
    ExecutorService tunnelThreads() {
        return Executors.newCachedThreadPool(new CustomizableThreadFactory("tunnel-"));
    }
}
