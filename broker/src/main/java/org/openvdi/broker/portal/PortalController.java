package org.openvdi.broker.portal;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The web UI: sign-in page, the employees' portal and the admin and audit console (static pages on the REST API). */
@Controller
class PortalController {

    @GetMapping("/login")
    String login() {
        return "forward:/login.html";
    }

    @GetMapping("/")
    String portal() {
        return "forward:/portal.html";
    }

    @GetMapping("/admin")
    String admin() {
        return "forward:/admin.html";
    }

    /** The auditor's console: search, timelines per user and desktop (auditors only). */
    @GetMapping("/audit")
    String audit() {
        return "forward:/audit.html";
    }
}
