package org.openvdi.broker.web;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the OpenAPI document says about this deployment.
 *
 * @param version    the API's version, the build's version by default
 * @param oidcIssuer the OpenID Connect issuer whose access tokens clients may send; unset, the document names no
 *                   OpenID Connect scheme
 */
@ConfigurationProperties("openvdi.openapi")
record OpenApiProperties(@DefaultValue("dev") String version, URI oidcIssuer) {
}
