package org.openvdi.broker.kafka;

/**
 * A Kafka SASL user and its password. {@link #jaasConfig} builds the client's {@code sasl.jaas.config}
 * with the values quoted and escaped, so a password with quotes or backslashes cannot change the
 * configuration; line breaks and other control characters are refused.
 */
record KafkaCredentials(String username, String password) {

    static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    KafkaCredentials {
        requirePrintable("user name", username);
        requirePrintable("password", password);
    }

    String jaasConfig(String loginModule) {
        return loginModule + " required username=" + quoted(username) + " password=" + quoted(password) + ";";
    }

    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void requirePrintable(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A Kafka " + what + " must not be empty");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("A Kafka " + what + " must not contain control characters");
        }
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "KafkaCredentials[username=" + username + "]";
    }
}
