package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LibvirtNamesTest {

    private static final String ID = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";

    @Test
    void givenOurNames_whenParsed_thenDesktopIdIsFound() {
        assertThat(LibvirtNames.desktopIdOfDomain("vdi-" + ID)).contains(ID);
        assertThat(LibvirtNames.desktopIdOfCloneVolume("vdi-" + ID + ".qcow2")).contains(ID);
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume("vdi-" + ID + "-user.qcow2")).contains(ID);
    }

    @Test
    void givenUserDiskAndCloneNames_whenParsed_thenNeitherIsTakenForTheOther() {
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume(LibvirtNames.userDiskVolumeName(ID))).contains(ID);
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume(LibvirtNames.cloneVolumeName(ID))).isEmpty();
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume("vdi-" + ID + "-user.raw")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume("vdi-" + ID + "-user.qcow2.bak")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume("vdi-../" + ID + "-user.qcow2")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfUserDiskVolume(null)).isEmpty();
    }

    @Test
    void givenForeignNames_whenParsed_thenNothingIsClaimed() {
        assertThat(LibvirtNames.desktopIdOfDomain("test")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfDomain("vdi-" + ID + "-copy")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfDomain("vdi-" + ID.toUpperCase())).isEmpty();
        assertThat(LibvirtNames.desktopIdOfDomain(null)).isEmpty();
        assertThat(LibvirtNames.desktopIdOfCloneVolume("vdi-" + ID + ".raw")).isEmpty();
        assertThat(LibvirtNames.desktopIdOfCloneVolume("img-0123456789abcdef.qcow2")).isEmpty();
    }

    @Test
    void givenHostId_whenProbeDomainNamed_thenNamedAfterItAndNeverTakenForADesktop() {
        assertThat(LibvirtNames.probeDomainName(ID.toUpperCase())).isEqualTo("vdi-probe-" + ID);
        assertThat(LibvirtNames.desktopIdOfDomain(LibvirtNames.probeDomainName(ID))).isEmpty();
    }

    @Test
    void givenImageChecksum_whenNamed_thenFirstSixteenHexDigitsAndFormatExtensionAreUsed() {
        assertThat(LibvirtNames.imageVolumeName("ABCDEF0123456789" + "0".repeat(48), ImageFormat.RAW))
                .isEqualTo("img-abcdef0123456789.raw");
    }
}
