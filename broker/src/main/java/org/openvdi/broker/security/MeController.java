package org.openvdi.broker.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Me", description = "Who is signed in")
class MeController {

    private final UserDirectory users;

    MeController(UserDirectory users) {
        this.users = users;
    }

    @Operation(summary = "Who is signed in, with roles and groups")
    @GetMapping("/api/me")
    CurrentUser me(Authentication who) {
        return users.current(who);
    }
}
