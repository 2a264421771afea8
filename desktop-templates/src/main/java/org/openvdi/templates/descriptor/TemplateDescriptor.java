package org.openvdi.templates.descriptor;

import java.util.Objects;
import org.openvdi.templates.xml.VideoModel;

/**
 * What a template is: the machine its desktops get, how they boot, what they show, which network
 * they are on, what runs inside and when a desktop counts as ready. Read from YAML or JSON by
 * {@link TemplateDescriptorReader}, which checks every value; the schema is documented in
 * {@code desktop-templates/README.md}.
 *
 * @param name      the template's name, as people read it
 * @param hardware  vCPUs, memory, system disk size
 * @param boot      from the image's disk, or from a kernel and initrd
 * @param display   the remote display and its default resolution
 * @param network   the libvirt network or bridge every desktop's NIC is on
 * @param guest     the guest OS and whether it runs the QEMU guest agent
 * @param readiness when a started desktop is ready for its user
 * @param userDisk  the second disk of persistent desktops; null: none
 */
public record TemplateDescriptor(String name, Hardware hardware, Boot boot, Display display, Network network,
                                 Guest guest, Readiness readiness, UserDisk userDisk) {

    public TemplateDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hardware, "hardware");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(display, "display");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(readiness, "readiness");
    }

    /**
     * The descriptor of a template given in the short form (name, vCPUs, memory), and of templates registered
     * before descriptors existed: boots the published image's disk, VNC on VGA, on the
     * {@linkplain Network#DEFAULT_NETWORK default network}, no guest agent, ready when the display answers.
     */
    public static TemplateDescriptor shortForm(String name, int vcpus, int memoryMiB) {
        return new TemplateDescriptor(name, new Hardware(vcpus, memoryMiB, null), new Boot(new DiskBoot(null, null), null),
                Display.DEFAULT, Network.DEFAULT, Guest.UNKNOWN, Readiness.DISPLAY, null);
    }

    /** The emulated graphics card (a shortcut for {@code display().video()}). */
    public VideoModel video() {
        return display.video();
    }
}
