package org.openvdi.broker.apitoken;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.apitoken.api.ApiTokenIssuedEvent;
import org.openvdi.broker.apitoken.api.ApiTokenRevokedEvent;
import org.openvdi.broker.apitoken.api.IssueApiTokenCommand;
import org.openvdi.broker.apitoken.api.RevokeApiTokenCommand;

/** One API token: issued, then revoked or left to expire. */
@Aggregate
class ApiToken {

    @AggregateIdentifier
    private UUID tokenId;
    private String user;
    private boolean revoked;

    ApiToken() {
    }

    @CommandHandler
    ApiToken(IssueApiTokenCommand command) {
        apply(new ApiTokenIssuedEvent(command.tokenId(), command.user(), command.name(), command.tokenSha256(),
                command.expiresAt()));
    }

    @CommandHandler
    void handle(RevokeApiTokenCommand command, @MetaDataValue("user") String actor) {
        if (!revoked) {
            apply(new ApiTokenRevokedEvent(tokenId, user, actor));
        }
    }

    @EventSourcingHandler
    void on(ApiTokenIssuedEvent event) {
        tokenId = event.tokenId();
        user = event.user();
    }

    @EventSourcingHandler
    void on(ApiTokenRevokedEvent event) {
        revoked = true;
    }
}
