package org.openvdi.broker.hosturi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openvdi.broker.hosturi.HostUri.Scheme;

/** The host URI policy on its own: the grammar, the tcp switch and files inside the configured directories. */
class HostUriPolicyTest {

    @TempDir
    Path root;
    Path ssh;
    Path pki;
    Path testHosts;
    Path outside;
    HostUriPolicy policy;

    @BeforeEach
    void directories() throws IOException {
        ssh = Files.createDirectories(root.resolve("ssh"));
        pki = Files.createDirectories(root.resolve("pki"));
        testHosts = Files.createDirectories(root.resolve("test-hosts"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(ssh.resolve("id_ed25519"), "key");
        Files.writeString(ssh.resolve("known_hosts"), "kvm-1 ssh-ed25519 AAAA");
        Files.createDirectories(pki.resolve("kvm-1"));
        Files.writeString(testHosts.resolve("host.xml"), "<node/>");
        Files.writeString(outside.resolve("secret.xml"), "root:x:0:0");
        Files.writeString(outside.resolve("id_rsa"), "someone else's key");
        policy = new HostUriPolicy(new HostUriSettings(false, false, ssh, pki, testHosts));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "qemu:///system",
            "test:///default",
            "qemu+ssh://kvm-1/system",
            "qemu+ssh://root@kvm-1.example.org:2222/system",
            "qemu+ssh://openvdi@10.0.0.7/system?no_tty=1&no_verify=0",
            "qemu+ssh://[2001:db8::7]:22/system",
            "qemu+tls://kvm-1.example.org/system",
            "qemu+tls://kvm-1.example.org:16514/system?no_verify=0",
            "qemu://kvm-1/system"})
    void givenUriAnOperatorNeeds_whenChecked_thenAllowed(String uri) {
        assertThat(policy.check(uri).path()).isIn("/system", "/default");
    }

    @Test
    void givenSshUriWithKeyAndKnownHostsInTheKeyDirectory_whenChecked_thenAllowedAndParsed() {
        HostUri uri = policy.check("qemu+ssh://openvdi@kvm-1:2222/system?keyfile=" + ssh.resolve("id_ed25519")
                + "&known_hosts=" + ssh.resolve("known_hosts"));

        assertThat(uri.scheme()).isEqualTo(Scheme.QEMU_SSH);
        assertThat(uri.user()).isEqualTo("openvdi");
        assertThat(uri.host()).isEqualTo("kvm-1");
        assertThat(uri.port()).isEqualTo(2222);
        assertThat(uri.parameters()).containsKeys("keyfile", "known_hosts");
    }

    @Test
    void givenTlsUriWithPkiPathInThePkiDirectory_whenChecked_thenAllowed() {
        assertThat(policy.check("qemu+tls://kvm-1/system?pkipath=" + pki.resolve("kvm-1")).parameters())
                .containsEntry("pkipath", pki.resolve("kvm-1").toString());
    }

    @Test
    void givenTestDriverFileInTheTestDirectory_whenChecked_thenAllowed() {
        assertThat(policy.check("test://" + testHosts.resolve("host.xml")).path()).isEqualTo(testHosts.resolve("host.xml").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // programs and sockets
            "qemu+ssh://127.0.0.1/system?command=/any/program",
            "qemu+ssh://kvm-1/system?netcat=/tmp/nc",
            "qemu+ssh://kvm-1/system?proxy=native",
            "qemu:///system?socket=/any/path",
            "qemu+tls://kvm-1/system?socket=/run/x.sock",
            "qemu+ext://kvm-1/system?command=/bin/sh",
            "qemu+unix:///system",
            "qemu+libssh2://kvm-1/system",
            "test+ssh://kvm-1/default",
            // files the test driver would read and quote
            "test:///etc/shadow",
            "test:///etc/passwd.xml",
            "test:///default?x=1",
            "test://kvm-1/default",
            // schemes and paths
            "file:///etc/passwd",
            "xen:///system",
            "QEMU:///system",
            "qemu:///session",
            "qemu:///embed?root=/tmp",
            "qemu:///system/",
            "qemu:///system/../session",
            "qemu://",
            "qemu:/system",
            "qemu+ssh:///system",
            "qemu+tls:///system",
            // hosts, ports and users
            "qemu+ssh://-oProxyCommand=sh/system",
            "qemu+ssh://kvm-1:0/system",
            "qemu+ssh://kvm-1:65536/system",
            "qemu+ssh://kvm-1:022/system",
            "qemu+ssh://kvm-1:/system",
            "qemu+ssh://kvm-1:22:23/system",
            "qemu+ssh://999.1.1.1/system",
            "qemu+ssh://kvm_1/system",
            "qemu+ssh://[kvm-1]/system",
            "qemu+ssh://[::1/system",
            "qemu+ssh://[::1]x/system",
            "qemu+ssh://a@b@kvm-1/system",
            "qemu+ssh://@kvm-1/system",
            "qemu+ssh://Root@kvm-1/system",
            "qemu+ssh://user:password@kvm-1/system",
            "qemu+tls://admin@kvm-1/system",
            // encodings, fragments, control and bidi characters, white space
            "qemu+ssh://kvm-1/system?command%3D/bin/sh",
            "qemu+ssh://kvm%2D1/system",
            "qemu:///%73ystem",
            "qemu:///system#frag",
            "qemu:///system\n",
            "qemu:///system\u0000",
            "qemu+ssh://kvm-1\u202e/system",
            "qemu+ssh://kvm-1/system?no_tty=1\u2066",
            "qemu+ssh://kvm\u200b-1/system",
            "qemu+ssh://kvм-1/system",
            " qemu:///system",
            "qemu:///system ",
            "qemu+ssh://kvm-1/system;reboot",
            "qemu+ssh://kvm-1/system?no_tty=$(id)",
            "qemu+ssh://kvm-1\\evil/system",
            // parameters
            "qemu+ssh://kvm-1/system?",
            "qemu+ssh://kvm-1/system?&",
            "qemu+ssh://kvm-1/system?no_tty",
            "qemu+ssh://kvm-1/system?no_tty=",
            "qemu+ssh://kvm-1/system?no_tty=2",
            "qemu+ssh://kvm-1/system?no_tty=1&no_tty=1",
            "qemu+ssh://kvm-1/system?no_tty=1&no_tty=0",
            "qemu+ssh://kvm-1/system?NO_TTY=1",
            "qemu+ssh://kvm-1/system?no_tty=1?no_verify=1",
            "qemu+ssh://kvm-1/system?pkipath=/etc/pki",
            "qemu+tls://kvm-1/system?keyfile=/etc/ssh/key",
            "qemu:///system?no_verify=1",
            "qemu+ssh://kvm-1/system?keyfile=relative/key",
            "qemu+ssh://kvm-1/system?keyfile=/etc/ssh/ssh_host_ed25519_key",
            "qemu+ssh://kvm-1/system?known_hosts=/root/.ssh/known_hosts"})
    void givenUriOutsideWhatOperatorsNeed_whenChecked_thenRefused(String uri) {
        assertRefused(uri);
    }

    @Test
    void givenUriLongerThan512Characters_whenChecked_thenRefused() {
        assertRefused("qemu+ssh://" + "a".repeat(63) + ("." + "b".repeat(63)).repeat(7) + "/system");
        assertRefused("qemu+ssh://kvm-1/system?no_tty=1" + "&no_tty=1".repeat(60));
    }

    @Test
    void givenTcpUri_whenTcpIsOff_thenRefused_andWhenOn_thenAllowed() {
        assertRefused("qemu+tcp://127.0.0.1:16509/system");

        HostUriPolicy lab = new HostUriPolicy(new HostUriSettings(true, false, null, null, null));

        assertThat(lab.check("qemu+tcp://127.0.0.1:16509/system").port()).isEqualTo(16509);
        assertThatThrownBy(() -> lab.check("qemu+tcp://127.0.0.1/system?no_verify=1"))
                .isInstanceOf(HostUriNotAllowedException.class);
    }

    @Test
    void givenNoVerify_whenItIsOff_thenRefused_andWhenOn_thenAllowed() {
        List<String> unverified = List.of("qemu+tls://kvm-1.example.org:16514/system?no_verify=1",
                "qemu+ssh://kvm-1/system?no_tty=1&no_verify=1", "qemu://kvm-1/system?no_verify=1");
        unverified.forEach(this::assertRefused);

        HostUriPolicy lab = new HostUriPolicy(new HostUriSettings(false, true, null, null, null));

        assertThat(unverified).allSatisfy(uri -> assertThat(lab.check(uri).parameters()).containsEntry("no_verify", "1"));
        assertThat(policy.check("qemu+ssh://kvm-1/system?no_verify=0").parameters()).containsEntry("no_verify", "0");
    }

    @Test
    void givenNoDirectoriesConfigured_whenUriNamesFiles_thenRefused() {
        HostUriPolicy strict = new HostUriPolicy(HostUriSettings.strict());

        assertThatThrownBy(() -> strict.check("qemu+ssh://kvm-1/system?keyfile=" + ssh.resolve("id_ed25519")))
                .isInstanceOf(HostUriNotAllowedException.class).hasMessageContaining("no directory is configured");
        assertThatThrownBy(() -> strict.check("test://" + testHosts.resolve("host.xml")))
                .isInstanceOf(HostUriNotAllowedException.class);
        assertThat(strict.check("test:///default").isDefaultTestHost()).isTrue();
    }

    @Test
    void givenTraversalOutOfTheDirectory_whenChecked_thenRefused() {
        assertRefused("test://" + testHosts + "/../outside/secret.xml");
        assertRefused("test://" + testHosts + "/./host.xml");
        assertRefused("test://" + testHosts + "//host.xml");
        assertRefused("test://" + outside.resolve("secret.xml"));
        assertRefused("test://" + testHosts + ".xml");
        assertRefused("qemu+ssh://kvm-1/system?keyfile=" + ssh + "/../outside/id_rsa");
        assertRefused("qemu+ssh://kvm-1/system?keyfile=" + ssh);
        assertRefused("qemu+tls://kvm-1/system?pkipath=" + pki);
    }

    @Test
    void givenSymbolicLinksOutOfTheDirectory_whenChecked_thenRefused() throws IOException {
        Files.createSymbolicLink(testHosts.resolve("shadow.xml"), outside.resolve("secret.xml"));
        Files.createSymbolicLink(testHosts.resolve("linked-dir"), outside);
        Files.createSymbolicLink(ssh.resolve("stolen"), outside.resolve("id_rsa"));
        Files.createSymbolicLink(pki.resolve("elsewhere"), outside);

        assertRefused("test://" + testHosts.resolve("shadow.xml"));
        assertRefused("test://" + testHosts.resolve("linked-dir").resolve("secret.xml"));
        assertRefused("qemu+ssh://kvm-1/system?keyfile=" + ssh.resolve("stolen"));
        assertRefused("qemu+tls://kvm-1/system?pkipath=" + pki.resolve("elsewhere"));
    }

    @Test
    void givenConfiguredDirectoryThatIsItselfALink_whenFileInsideIsNamed_thenAllowed() throws IOException {
        Path linkedDirectory = Files.createSymbolicLink(root.resolve("hosts-link"), testHosts);
        HostUriPolicy linked = new HostUriPolicy(new HostUriSettings(false, false, null, null, linkedDirectory));

        assertThat(linked.check("test://" + linkedDirectory.resolve("host.xml")).scheme()).isEqualTo(Scheme.TEST);
    }

    @Test
    void givenWrongKindOfFile_whenChecked_thenRefused() throws IOException {
        Files.createDirectories(testHosts.resolve("dir.xml"));
        Files.writeString(pki.resolve("file"), "x");

        assertRefused("test://" + testHosts.resolve("dir.xml"));
        assertRefused("test://" + testHosts.resolve("missing.xml"));
        assertRefused("qemu+tls://kvm-1/system?pkipath=" + pki.resolve("file"));
        assertRefused("qemu+ssh://kvm-1/system?keyfile=" + ssh.resolve("missing"));
    }

    @Test
    void givenRefusal_whenReported_thenTheMessageNeverQuotesTheUri() {
        String hostile = "qemu+ssh://kvm-1/system?command=/bin/sh\u202e\n" + "x".repeat(2000);

        assertThatThrownBy(() -> policy.check(hostile)).isInstanceOf(HostUriNotAllowedException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("/bin/sh", "\u202e", "\n", "xxx").hasSizeLessThan(200));
        assertThatThrownBy(() -> policy.check("qemu+ssh://kvm-1/system?command=/bin/sh"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("/bin/sh").contains("keyfile"));
    }

    @Test
    void givenSyntaxOnlyPolicy_whenChecked_thenGrammarHoldsButFilesAndTcpAreNotLookedAt() {
        HostUriPolicy syntax = HostUriPolicy.syntaxOnly();

        assertThat(syntax.check("qemu+tcp://127.0.0.1:1/system").scheme()).isEqualTo(Scheme.QEMU_TCP);
        assertThat(syntax.check("test:///anywhere/host.xml").path()).isEqualTo("/anywhere/host.xml");
        assertThatThrownBy(() -> syntax.check("qemu:///system?socket=/any/path")).isInstanceOf(HostUriNotAllowedException.class);
        assertThatThrownBy(() -> syntax.check("test:///etc/shadow")).isInstanceOf(HostUriNotAllowedException.class);
    }

    @Test
    void givenRelativeDirectorySetting_whenBound_thenRejected() {
        assertThatThrownBy(() -> new HostUriSettings(false, false, Path.of("ssh"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssh-key-directory");
    }

    private void assertRefused(String uri) {
        assertThatThrownBy(() -> policy.check(uri)).as(uri).isInstanceOf(HostUriNotAllowedException.class);
    }
}
