package org.openvdi.templates.descriptor;

import org.openvdi.templates.xml.Resolution;
import org.openvdi.templates.xml.VideoModel;

/**
 * The remote display of each desktop.
 *
 * @param protocol   how the gateway reaches the display
 * @param video      the emulated graphics card
 * @param resolution the resolution the guest starts with; null: the guest's own choice
 */
public record Display(DisplayProtocol protocol, VideoModel video, Resolution resolution) {

    /** VNC on VGA at the guest's own resolution. */
    public static final Display DEFAULT = new Display(DisplayProtocol.VNC, VideoModel.VGA, null);
}
