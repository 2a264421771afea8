package org.openvdi.templates.xml;

import java.util.stream.Stream;

/** Text a user or an attacker might type, for round-trip tests. */
final class HostileText {

    private HostileText() {
    }

    static Stream<String> samples() {
        return Stream.of(
                "<script>alert('pwned')</script>",
                "O'Brien & Sons; Ltd.",
                "</title><devices><disk type='file'/></devices><title>",
                "../../../etc/passwd",
                "$(rm -rf /)",
                "`reboot`; rm -rf / #",
                "\"quoted\" & 'single' <tag/>",
                "]]><!-- comment --><![CDATA[",
                "&amp; &lt; &#x27; &unknown;",
                "Ünïcødé desktop \uD83D\uDDA5 über alles");
    }
}
