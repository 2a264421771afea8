package org.openvdi.broker.template;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param directories the only directories template images may be published from */
@ConfigurationProperties("openvdi.images")
public record ImageProperties(@DefaultValue("images") List<String> directories) {
}
