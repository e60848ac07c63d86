package dev.nextgpt.runtime.llm;

import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format, enough to walk a SentencePiece {@code ModelProto}: varints,
 * fixed 32/64-bit fields and length-delimited fields (strings, bytes and nested messages).
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private int tag;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtoReader(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** Advances to the next field; false at the end of the message. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long t = readVarint();
        if (t > Integer.MAX_VALUE || (t >>> 3) == 0) {
            throw malformed("invalid field tag " + t);
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int readInt32() {
        expect(VARINT);
        return (int) readVarint();
    }

    boolean readBool() {
        expect(VARINT);
        return readVarint() != 0;
    }

    float readFloat() {
        expect(FIXED32);
        return Float.intBitsToFloat(readFixed32());
    }

    String readString() {
        int[] range = readLengthDelimited();
        return new String(buf, range[0], range[1] - range[0], StandardCharsets.UTF_8);
    }

    byte[] readBytes() {
        int[] range = readLengthDelimited();
        byte[] out = new byte[range[1] - range[0]];
        System.arraycopy(buf, range[0], out, 0, out.length);
        return out;
    }

    ProtoReader readMessage() {
        int[] range = readLengthDelimited();
        return new ProtoReader(buf, range[0], range[1]);
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType()) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> readLengthDelimited();
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + wireType() + " (field " + field() + ")");
        }
    }

    private int readFixed32() {
        advance(4);
        return (buf[pos - 4] & 0xFF) | (buf[pos - 3] & 0xFF) << 8 | (buf[pos - 2] & 0xFF) << 16 | (buf[pos - 1] & 0xFF) << 24;
    }

    private int[] readLengthDelimited() {
        expect(LENGTH_DELIMITED);
        long len = readVarint();
        if (len < 0 || len > end - pos) {
            throw malformed("length " + len + " of field " + field() + " runs past the end of the message");
        }
        int from = pos;
        pos += (int) len;
        return new int[] {from, pos};
    }

    private void advance(int n) {
        if (end - pos < n) {
            throw malformed("truncated field " + field());
        }
        pos += n;
    }

    private void expect(int wireType) {
        if (wireType() != wireType) {
            throw malformed("field " + field() + " has wire type " + wireType() + ", expected " + wireType);
        }
    }

    private static IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed protobuf: " + what);
    }
}
