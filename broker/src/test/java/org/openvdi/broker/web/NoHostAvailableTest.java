package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** A broker of its own whose only host is cordoned: requests get a clear answer, never a hang. */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=no-host")
class NoHostAvailableTest {

    @LocalServerPort
    int port;

    @Test
    void givenOnlyHostCordoned_whenSessionRequested_thenItFailsAtOnceWithNoHostAvailable() throws IOException {
        ApiClient admin = new ApiClient(port, "admin", "demo");
        ApiClient alice = new ApiClient(port, "alice", "demo");
        String host = admin.post("/api/hosts", admin.write(Map.of("name", "only", "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 4))).json().get("id").asText();
        var cordoned = admin.post("/api/hosts/" + host + "/cordon", "{\"reason\":\"maintenance\"}");
        assertThat(cordoned.json().get("cordoned").asBoolean()).isTrue();
        String template = admin.post("/api/templates", admin.write(Map.of("name", "t", "vcpus", 1, "memoryMiB", 256)))
                .json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", TestImages.image("nohost.img").toString())));
        String pool = admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", template, "type", "FLOATING",
                "minSpare", 0, "maxSize", 3, "entitledGroups", new String[] {"engineering"}))).json().get("id").asText();

        var session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");

        assertThat(session.status()).isEqualTo(202);
        assertThat(session.json().get("state").asText()).isEqualTo("FAILED");
        assertThat(session.json().get("reason").asText()).startsWith("NO_HOST_AVAILABLE");

        var uncordoned = admin.post("/api/hosts/" + host + "/uncordon", "");
        assertThat(uncordoned.json().get("cordoned").asBoolean()).isFalse();
        var retry = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(retry.json().get("state").asText()).isIn("REQUESTED", "READY");
    }
}
