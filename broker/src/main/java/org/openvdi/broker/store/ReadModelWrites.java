package org.openvdi.broker.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The row writes of a subscribing read model, sent as JDBC batches when the event processor's unit of work prepares
 * to commit (within the publishing command's transaction, as before) rather than one round trip per event. A unit of
 * work of many events (a demo history's batch of commands, a rebuild) then writes each kind of row change in one
 * batch: with the driver's {@code reWriteBatchedInserts} a batch of INSERTs is one multi-row statement, a batch of
 * UPDATEs is pipelined.
 * <p>
 * Each write names the one row it changes ({@code row}, e.g. the desktop's id): writes of one row run in the order
 * they were made; writes of different rows are grouped by their SQL, so a write may run before an earlier write of
 * another row, never before an earlier one of its own row. A write that changes more than one row, or any read,
 * does not belong here. Outside a unit of work a write runs at once. A failing write fails the unit of work, and with
 * it the command, as a failing event handler does.
 */
@Component
public class ReadModelWrites {

    private static final String PENDING = ReadModelWrites.class.getName() + ".pending";

    private final JdbcTemplate jdbc;

    ReadModelWrites(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Runs {@code sql} with {@code params}, which changes {@code row} only, before the current unit of work commits. */
    public void update(Object row, String sql, Object... params) {
        if (!CurrentUnitOfWork.isStarted()) {
            jdbc.update(sql, params);
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        unitOfWork.getOrComputeResource(PENDING, key -> {
            Pending pending = new Pending();
            unitOfWork.onPrepareCommit(committing -> pending.flush(jdbc));
            return pending;
        }).add(row, sql, params);
    }

    /** The writes of one unit of work, in groups of one SQL each, run in the order the groups were opened. */
    private static final class Pending {

        private final List<Group> groups = new ArrayList<>();
        private final Map<String, Integer> latestGroupOfSql = new HashMap<>();
        private final Map<Object, Integer> lastGroupOfRow = new HashMap<>();

        void add(Object row, String sql, Object[] params) {
            Integer group = latestGroupOfSql.get(sql);
            Integer rowsLast = lastGroupOfRow.get(row);
            if (group == null || (rowsLast != null && rowsLast > group)) {
                group = groups.size();             // a later group: after this row's earlier writes
                groups.add(new Group(sql));
                latestGroupOfSql.put(sql, group);
            }
            groups.get(group).params().add(params);
            lastGroupOfRow.put(row, group);
        }

        void flush(JdbcTemplate jdbc) {
            for (Group group : groups) {
                if (group.params().size() == 1) {
                    jdbc.update(group.sql(), group.params().get(0));
                } else {
                    jdbc.batchUpdate(group.sql(), group.params());
                }
            }
            groups.clear();
            latestGroupOfSql.clear();
            lastGroupOfRow.clear();
        }
    }

    private record Group(String sql, List<Object[]> params) {
        Group(String sql) {
            this(sql, new ArrayList<>());
        }
    }
}
