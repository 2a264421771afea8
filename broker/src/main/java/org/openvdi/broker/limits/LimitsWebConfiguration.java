package org.openvdi.broker.limits;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Puts the limits in front of what they guard: the sign-in throttle just before Spring Security's filter
 * chain (order {@value #SIGN_IN_THROTTLE_ORDER}, Spring Security runs at
 * {@link SecurityProperties#DEFAULT_FILTER_ORDER}), the per-user limits just before the session controller.
 */
@Configuration(proxyBeanMethods = false)
class LimitsWebConfiguration implements WebMvcConfigurer {

    static final int SIGN_IN_THROTTLE_ORDER = SecurityProperties.DEFAULT_FILTER_ORDER - 1;

    private final LimitCounters counters;
    private final LimitsProperties properties;

    LimitsWebConfiguration(LimitCounters counters, LimitsProperties properties) {
        this.counters = counters;
        this.properties = properties;
    }

    @Bean
    FilterRegistrationBean<SignInThrottleFilter> signInThrottleFilter(
            SignInThrottle throttle, @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        FilterRegistrationBean<SignInThrottleFilter> registration =
                new FilterRegistrationBean<>(new SignInThrottleFilter(throttle, problems));
        registration.setOrder(SIGN_IN_THROTTLE_ORDER);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new UserRateLimitInterceptor(counters, properties))
                .addPathPatterns("/api/sessions", "/api/sessions/*/connect");
    }
}
