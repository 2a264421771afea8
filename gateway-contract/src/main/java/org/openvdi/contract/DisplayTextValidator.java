package org.openvdi.contract;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link DisplayText}: the one check for free text, wherever it enters. */
public class DisplayTextValidator implements ConstraintValidator<DisplayText, CharSequence> {

    private int max;

    @Override
    public void initialize(DisplayText annotation) {
        max = annotation.max();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        return value == null || isDisplayText(value, max);
    }

    /** True when {@code text} has at most {@code max} code points and none that {@link DisplayText} refuses. */
    public static boolean isDisplayText(CharSequence text, int max) {
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = Character.codePointAt(text, i);
            if (++count > max || refused(codePoint)) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    private static boolean refused(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }
}
