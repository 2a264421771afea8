package org.openvdi.broker.security.api;

import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A person signed in through the sign-in page, an OpenID Connect provider or an LDAP directory. For a user of a
 * provider or a directory, the roles and groups are those mapped at this sign-in: their API tokens act with them
 * until the next sign-in.
 *
 * @param accountId     the account's aggregate id, derived from the user name
 * @param source        where the identity came from
 * @param clientAddress the address the sign-in came from (after trusted proxies), when known
 */
@Revision("1")
public record UserSignedInEvent(UUID accountId, String userName, SignInSource source, List<Role> roles,
                                List<String> groups, String clientAddress) {
}
