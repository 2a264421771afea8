package org.openvdi.broker.web;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.Handle;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.Type;
import org.springframework.http.HttpStatus;

/**
 * What a controller method can answer, read from its compiled code: the {@link ErrorCode}s that it and the broker's
 * own code it calls (its helpers and lambdas, and up to {@value #MAX_DEPTH} classes away) refuse with, and the success statuses it picks ({@code HttpStatus.ACCEPTED},
 * {@code ResponseEntity.noContent()}). The published document so follows the code instead of a list kept by hand;
 * refusals raised elsewhere (an aggregate, an interceptor) are declared with {@link Refuses}.
 */
final class HandlerBytecode {

    private static final String ERROR_CODE = Type.getInternalName(ErrorCode.class);
    private static final String HTTP_STATUS = Type.getInternalName(HttpStatus.class);
    private static final String RESPONSE_ENTITY = "org/springframework/http/ResponseEntity";
    private static final Map<String, Integer> RESPONSE_ENTITY_STATUS = Map.of(
            "ok", 200, "created", 201, "accepted", 202, "noContent", 204);

    /** What one method answers. */
    record Answers(Set<ErrorCode> refusals, Set<Integer> successes) {
    }

    /** How many classes away from the controller calls are followed (the controller's own helpers do not count). */
    private static final int MAX_DEPTH = 3;
    private static final String OWN_CODE = "org/openvdi/broker/";
    private static final Map<String, ErrorCode> CODES = Arrays.stream(ErrorCode.values())
            .collect(Collectors.toMap(Enum::name, c -> c));

    private final Map<String, Map<String, Body>> classes = new ConcurrentHashMap<>();

    Answers of(Class<?> type, Method method) {
        String handler = Type.getInternalName(type) + "#" + method.getName() + Type.getMethodDescriptor(method);
        Set<ErrorCode> refusals = EnumSet.noneOf(ErrorCode.class);
        Set<Integer> successes = new TreeSet<>();
        Body own = body(handler);
        if (own != null) {
            successes.addAll(own.successes);
        }
        Map<String, Integer> depth = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>(Set.of(handler));
        depth.put(handler, 0);
        while (!todo.isEmpty()) {
            String key = todo.poll();
            Body body = body(key);
            if (body == null) {
                continue;
            }
            refusals.addAll(body.refusals);
            for (String call : body.calls) {
                boolean sameClass = call.startsWith(key.substring(0, key.indexOf('#') + 1));
                int next = depth.get(key) + (sameClass ? 0 : 1);
                if (next <= MAX_DEPTH && !depth.containsKey(call)) {
                    depth.put(call, next);
                    todo.add(call);
                }
            }
        }
        return new Answers(refusals, successes);
    }

    /** The body of {@code owner#nameDescriptor}, or null when it is not a method of the broker's own code. */
    private Body body(String key) {
        String owner = key.substring(0, key.indexOf('#'));
        return classes.computeIfAbsent(owner, HandlerBytecode::read).get(key.substring(key.indexOf('#') + 1));
    }

    private static final class Body {
        final Set<ErrorCode> refusals = EnumSet.noneOf(ErrorCode.class);
        final Set<Integer> successes = new TreeSet<>();
        final Set<String> calls = new HashSet<>();
    }

    private static Map<String, Body> read(String owner) {
        if (!owner.startsWith(OWN_CODE)) {
            return Map.of();
        }
        ClassLoader loader = HandlerBytecode.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(owner + ".class")) {
            if (in == null) {
                return Map.of();
            }
            Map<String, Body> bodies = new HashMap<>();
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    Body body = new Body();
                    bodies.put(name + descriptor, body);
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitFieldInsn(int opcode, String fieldOwner, String field, String fieldType) {
                            if (opcode != Opcodes.GETSTATIC) {
                                return;
                            }
                            if (fieldOwner.equals(ERROR_CODE) && CODES.containsKey(field)) {
                                body.refusals.add(CODES.get(field));
                            } else if (fieldOwner.equals(HTTP_STATUS)) {
                                HttpStatus status = Arrays.stream(HttpStatus.values())
                                        .filter(h -> h.name().equals(field)).findFirst().orElse(null);
                                if (status != null && status.is2xxSuccessful()) {
                                    body.successes.add(status.value());
                                }
                            }
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String callee, String method, String methodType,
                                                    boolean isInterface) {
                            if (callee.startsWith(OWN_CODE) && !callee.equals(ERROR_CODE)) {
                                body.calls.add(callee + "#" + method + methodType);
                            }
                            if (callee.equals(RESPONSE_ENTITY) && RESPONSE_ENTITY_STATUS.containsKey(method)) {
                                body.successes.add(RESPONSE_ENTITY_STATUS.get(method));
                            }
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                                                           Object... arguments) {
                            for (Object argument : arguments) {
                                if (argument instanceof Handle handle && handle.getOwner().startsWith(OWN_CODE)) {
                                    body.calls.add(handle.getOwner() + "#" + handle.getName() + handle.getDesc());
                                }
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return bodies;
        } catch (IOException e) {
            return Map.of();
        }
    }
}
