package org.openvdi.contract;

/** What happened to a tunnel. */
public enum ConnectionEventType {
    OPENED,
    CLOSED,
    /**
     * The tunnel is open and its user gave keyboard or mouse input since the last record (revision 2): the record's
     * {@code lastInputAt} says when last. A broker before revision 2 does not know this type and refuses the record.
     */
    ACTIVITY
}
