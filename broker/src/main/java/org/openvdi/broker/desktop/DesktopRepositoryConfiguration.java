package org.openvdi.broker.desktop;

import org.axonframework.modelling.command.Repository;
import org.openvdi.broker.store.AggregateRepositories;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The desktops' repository: committed desktops kept in memory, each used only while the store has nothing newer. */
@Configuration(proxyBeanMethods = false)
class DesktopRepositoryConfiguration {

    @Bean
    Repository<Desktop> desktopRepository(AggregateRepositories repositories) {
        return repositories.versionChecked(Desktop.class);
    }
}
