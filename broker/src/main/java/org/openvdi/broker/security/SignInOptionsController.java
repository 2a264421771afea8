package org.openvdi.broker.security;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the sign-in page offers besides the password form: the identity provider's button, when one is configured. */
@RestController
@Hidden
class SignInOptionsController {

    /** The provider's name and where its sign-in starts; both null when no provider is configured. */
    record SignInOptions(String providerName, String providerUrl) {
    }

    private final OidcProperties oidc;

    SignInOptionsController(OidcProperties oidc) {
        this.oidc = oidc;
    }

    @GetMapping("/login/options")
    ResponseEntity<SignInOptions> options() {
        SignInOptions options = oidc.enabled()
                ? new SignInOptions(oidc.displayName(), "/oauth2/authorization/" + OidcRegistrations.ID)
                : new SignInOptions(null, null);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(options);
    }
}
