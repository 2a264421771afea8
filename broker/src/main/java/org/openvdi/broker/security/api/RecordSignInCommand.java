package org.openvdi.broker.security.api;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that {@code userName} signed in interactively, with the roles and groups they got for this sign-in. */
public record RecordSignInCommand(@TargetAggregateIdentifier UUID accountId, String userName, SignInSource source,
                                  List<Role> roles, List<String> groups, String clientAddress) {
}
