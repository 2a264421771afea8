package org.openvdi.templates.xml;

import java.nio.file.Path;

/**
 * A directory storage pool.
 *
 * @param name       pool name (letters, digits, '_', '.', '-'; at most 64)
 * @param targetPath absolute, normalized directory holding the pool's volumes
 */
public record StoragePoolDefinition(String name, String targetPath) {

    public StoragePoolDefinition {
        LibvirtNames.requirePoolName(name);
        XmlCharacters.requireSingleLine("pool target path", targetPath, 4096);
        Path path = Path.of(targetPath);
        if (!path.isAbsolute() || !path.normalize().toString().equals(targetPath)) {
            throw new IllegalArgumentException("pool target path must be absolute and normalized");
        }
    }
}
