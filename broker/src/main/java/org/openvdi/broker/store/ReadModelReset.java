package org.openvdi.broker.store;

import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Empties a subscribing read model's tables for a rebuild ({@link ProjectionRebuild}). Each table is first locked in
 * {@code EXCLUSIVE} mode, which plain reads pass but every write waits for: a live command that writes the table
 * during the rebuild then waits until the rebuilt rows commit and applies its event to them. With the rows only
 * deleted, its UPDATE would wait for the deleted row and then find nothing to change, and the event, stored after
 * the rebuild read the history, would be lost from the read model.
 */
public final class ReadModelReset {

    private static final Pattern TABLE = Pattern.compile("[a-z_]+");

    private ReadModelReset() {
    }

    /** Locks, then empties, the owner's {@code tables}, in the order given (children before parents). */
    public static void empty(JdbcClient jdbc, String... tables) {
        for (String table : tables) {
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException("Not a table name: " + table);
            }
        }
        jdbc.sql("LOCK TABLE " + String.join(", ", tables) + " IN EXCLUSIVE MODE").update();
        for (String table : tables) {
            jdbc.sql("DELETE FROM " + table).update();
        }
    }
}
