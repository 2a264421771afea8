package org.openvdi.broker.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.openvdi.broker.error.ErrorCode;

/**
 * Refusals of an endpoint that its controller's own code does not name, because an aggregate or an interceptor
 * raises them: the OpenAPI document lists them with those the controller's code names ({@link ProblemResponses}).
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Refuses {

    ErrorCode[] value();
}
