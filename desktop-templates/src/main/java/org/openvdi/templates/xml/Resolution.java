package org.openvdi.templates.xml;

/**
 * A display resolution in pixels.
 *
 * @param width  320-7680
 * @param height 200-4320
 */
public record Resolution(int width, int height) {

    public static final int MIN_WIDTH = 320;
    public static final int MAX_WIDTH = 7680;
    public static final int MIN_HEIGHT = 200;
    public static final int MAX_HEIGHT = 4320;

    public Resolution {
        if (width < MIN_WIDTH || width > MAX_WIDTH || height < MIN_HEIGHT || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("resolution must be from 320x200 to 7680x4320");
        }
    }
}
