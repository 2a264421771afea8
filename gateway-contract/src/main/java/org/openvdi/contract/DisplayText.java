package org.openvdi.contract;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text that people read back (names, reasons, descriptions): at most {@link #max()} characters, none of
 * them invisible or able to make the text look like something else. Refused are control characters (C0, DEL
 * and C1), format characters (bidirectional embeddings, overrides, isolates and marks such as U+202E, U+2066,
 * U+200E, U+061C; zero-width characters such as U+200B, U+200D, U+2060, U+FEFF), line and paragraph separators,
 * and unpaired surrogates. Letters of every script, accents, emoji and HTML or shell metacharacters are
 * stored as typed; escaping on output is the reader's job. A null value is valid: pair with
 * {@code @NotBlank} where the text is required.
 */
@Documented
@Constraint(validatedBy = DisplayTextValidator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE,
        ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface DisplayText {

    /** The most characters (Unicode code points) allowed. */
    int max() default 100;

    String message() default "must be at most {max} characters without control, format or invisible characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
