package org.openvdi.broker.security;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.openvdi.broker.AppProcess;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;

/**
 * A real LDAP server (UnboundID's in-memory directory, over TCP on a free port) with people and groups:
 * lara in engineering; carl in team-a, which is itself a member of vdi-admins (a nested group); greg in engineering
 * until a test moves him; nora in no group that gives a role; and an entry named admin like the local break-glass
 * admin.
 */
final class TestDirectory implements AutoCloseable {

    static final String BASE = "dc=example,dc=com";

    private final InMemoryDirectoryServer server;
    private final int port;

    TestDirectory() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        port = AppProcess.freePort();
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(),
                port, null));
        config.addAdditionalBindCredentials("cn=broker,dc=example,dc=com", "broker-secret");
        server = new InMemoryDirectoryServer(config);
        server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
        server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
        for (String uid : new String[] {"lara", "carl", "greg", "nora", "admin"}) {
            server.add("dn: " + person(uid), "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid, "sn: " + uid,
                    "userPassword: " + uid + "-secret");
        }
        group("engineering", person("lara"), person("greg"));
        group("team-a", person("carl"));
        group("vdi-admins", "cn=team-a,ou=groups," + BASE);
        group("auditors", person("admin"));
        group("sales", person("nora"));
        server.startListening();
    }

    static String person(String uid) {
        return "uid=" + uid + ",ou=people," + BASE;
    }

    private void group(String cn, String... members) throws Exception {
        String[] lines = new String[3 + members.length];
        lines[0] = "dn: cn=" + cn + ",ou=groups," + BASE;
        lines[1] = "objectClass: groupOfNames";
        lines[2] = "cn: " + cn;
        for (int i = 0; i < members.length; i++) {
            lines[3 + i] = "member: " + members[i];
        }
        server.add(lines);
    }

    /** Moves a person from one group to another, as a directory admin would. */
    void move(String uid, String from, String to) throws LDAPException {
        server.modify("cn=" + from + ",ou=groups," + BASE, new Modification(ModificationType.DELETE, "member", person(uid)));
        server.modify("cn=" + to + ",ou=groups," + BASE, new Modification(ModificationType.ADD, "member", person(uid)));
    }

    /** Listens again when the listener is gone (it was seen closed once on a heavily loaded machine). */
    void ensureListening() throws Exception {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return;
        } catch (IOException refused) {
            System.err.println("The test directory stopped listening; listening again on " + port);
            server.startListening();
        }
    }

    String url() {
        return "ldap://127.0.0.1:" + port + "/" + BASE;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
