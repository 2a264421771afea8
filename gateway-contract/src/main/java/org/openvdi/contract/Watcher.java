package org.openvdi.contract;

/**
 * A viewer watching a shared session through another gateway, as the broker tells the owner's gateway.
 *
 * @param name   the viewer's user name
 * @param access what the viewer may do
 */
public record Watcher(String name, ViewerAccess access) {
}
