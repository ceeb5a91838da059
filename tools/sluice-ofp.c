/* sluice-ofp: the OpenFlow 1.3 codec of ofproto/ on the command line.
 *
 *   sluice-ofp decode [--compact] FILE|HEX...
 *       Decodes every message of each input and prints its JSON form, one
 *       document per message.
 *   sluice-ofp roundtrip FILE...
 *       Decodes every message of each file, encodes it again and compares
 *       the bytes; prints "OK <file>" or "FAIL <file>: <reason>" per file.
 *
 * An input holds one or more OpenFlow messages back to back, framed by the
 * length field of each header.  The tool sits beside the controller: it
 * links only ofproto/ and jansson, and it decodes exactly as the controller
 * does, with one arena and one write buffer reused for every message.
 *
 * Exit status: 0 on success, 1 if an input cannot be read, decoded or
 * round-tripped, 2 on a usage error.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-json.h"
#include "ofproto/ofp-msgs.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
};

/* The bytes of one input, in storage reused from input to input. */
struct input {
    uint8_t *data;
    size_t len;
    size_t cap;
};

/* What decoding needs, reused from message to message. */
struct codec {
    struct ofp_arena arena;
    struct ofp_wbuf out;
    struct ofp_msg msg;
};

static const char *program_name = "sluice-ofp";

static void
usage(FILE *stream)
{
    fprintf(stream,
            "usage: %s decode [--compact] FILE|HEX...\n"
            "       %s roundtrip FILE...\n"
            "       %s --help | --version\n"
            "\n"
            "decode     print the JSON form of every OpenFlow 1.3 message in\n"
            "           each input (pretty; --compact for one line each).\n"
            "           An argument that is not an existing file is read\n"
            "           as hex (whitespace and colons allowed); '-' reads\n"
            "           standard input.\n"
            "roundtrip  decode every message of each file, encode it again\n"
            "           and compare the bytes; print 'OK <file>' or\n"
            "           'FAIL <file>: <reason>' per file.\n"
            "\n"
            "Exit status: 0 success, 1 an input failed, 2 usage error.\n",
            program_name, program_name, program_name);
}

static bool
input_reserve(struct input *in, size_t more)
{
    if (more <= in->cap - in->len) {
        return true;
    }
    size_t cap = in->cap ? in->cap : 4096;
    while (cap - in->len < more) {
        if (cap > SIZE_MAX / 2) {
            return false;
        }
        cap *= 2;
    }
    uint8_t *data = realloc(in->data, cap);
    if (!data) {
        return false;
    }
    in->data = data;
    in->cap = cap;
    return true;
}

/* Reads all of 'stream' into 'in'.  Returns 0 or an errno value. */
static int
input_read_stream(struct input *in, FILE *stream)
{
    in->len = 0;
    for (;;) {
        if (!input_reserve(in, 4096)) {
            return ENOMEM;
        }
        size_t n = fread(in->data + in->len, 1, in->cap - in->len, stream);
        in->len += n;
        if (n == 0) {
            return ferror(stream) ? EIO : 0;
        }
    }
}

/* Reads file 'path' ("-" for standard input) into 'in'.  Returns 0 or an
 * errno value. */
static int
input_read_file(struct input *in, const char *path)
{
    if (!strcmp(path, "-")) {
        return input_read_stream(in, stdin);
    }
    FILE *stream = fopen(path, "rb");
    if (!stream) {
        return errno;
    }
    int error = input_read_stream(in, stream);
    fclose(stream);
    return error;
}

static int
hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parses hex 'text' into 'in'.  Whitespace and colons separate nothing and
 * are skipped; a "0x" may start each word.  Returns true, or false with
 * '*bad' set to the position of the offending character, to the length of
 * 'text' when a digit is missing at the end, or to SIZE_MAX when memory ran
 * out. */
static bool
input_parse_hex(struct input *in, const char *text, size_t *bad)
{
    size_t n = strlen(text);
    in->len = 0;
    if (!input_reserve(in, n / 2 + 1)) {
        *bad = SIZE_MAX;
        return false;
    }

    int high = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = text[i];
        if (isspace(c) || c == ':') {
            continue;
        }
        if (c == '0' && high < 0 &&
            (text[i + 1] == 'x' || text[i + 1] == 'X') &&
            (i == 0 || isspace((unsigned char) text[i - 1]))) {
            i++;
            continue;
        }
        int v = hex_digit(c);
        if (v < 0) {
            *bad = i;
            return false;
        }
        if (high < 0) {
            high = v;
        } else {
            in->data[in->len++] = (uint8_t) (high << 4 | v);
            high = -1;
        }
    }
    if (high >= 0) {
        *bad = n;
        return false;
    }
    return true;
}

/* Frames the message at 'ofs' of the 'len' bytes at 'data': on success sets
 * '*msg_len' to its length and returns 0; returns OFPBRC_BAD_LEN if fewer
 * than 8 bytes remain, if the length field is below 8, or if it claims more
 * bytes than remain (then 'why' says which, in at most 'why_size' bytes). */
static enum ofperr
frame_message(const uint8_t *data, size_t len, size_t ofs, size_t *msg_len,
              char *why, size_t why_size)
{
    size_t left = len - ofs;
    struct ofp_header h;

    if (left < OFP_HEADER_LEN) {
        snprintf(why, why_size, "%zu bytes left, a header needs %d", left,
                 OFP_HEADER_LEN);
        return OFPERR_OFPBRC_BAD_LEN;
    }
    enum ofperr error = ofp_header_decode(data + ofs, left, &h);
    if (error) {
        snprintf(why, why_size, "length field %u", (unsigned) h.length);
        return error;
    }
    if (h.length > left) {
        snprintf(why, why_size, "length field %u, %zu bytes left",
                 (unsigned) h.length, left);
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *msg_len = h.length;
    return 0;
}

/* Describes the message of 'msg_len' bytes at 'p' for an error message:
 * "FLOW_MOD of 80 bytes". */
static void
describe_message(const uint8_t *p, size_t msg_len, char *buf, size_t size)
{
    const char *name = ofp_type_name(p[1]);
    if (name) {
        snprintf(buf, size, "%s of %zu bytes", name, msg_len);
    } else {
        snprintf(buf, size, "message type %u of %zu bytes", (unsigned) p[1],
                 msg_len);
    }
}

/* Decodes the message of 'msg_len' bytes at 'p' into 'codec->msg', after
 * releasing what the previous message held in the arena. */
static enum ofperr
codec_decode(struct codec *codec, const uint8_t *p, size_t msg_len)
{
    ofp_arena_reset(&codec->arena);
    return ofp_msg_decode(p, msg_len, &codec->msg, &codec->arena);
}

/* Prints the JSON form of every message in 'in' (read from 'source').
 * Returns 0 or EXIT_FAIL after printing why to stderr. */
static int
decode_input(struct codec *codec, const struct input *in, const char *source,
             size_t json_flags)
{
    char why[128];
    char what[96];

    if (!in->len) {
        fprintf(stderr, "%s: %s: empty input (0 bytes)\n", program_name,
                source);
        return EXIT_FAIL;
    }
    for (size_t ofs = 0, msg_len; ofs < in->len; ofs += msg_len) {
        enum ofperr error =
            frame_message(in->data, in->len, ofs, &msg_len, why, sizeof why);
        if (error) {
            fprintf(stderr, "%s: %s: offset %zu: %s (%s)\n", program_name,
                    source, ofs, ofperr_name(error), why);
            return EXIT_FAIL;
        }
        error = codec_decode(codec, in->data + ofs, msg_len);
        if (error) {
            describe_message(in->data + ofs, msg_len, what, sizeof what);
            fprintf(stderr, "%s: %s: offset %zu: %s (decoding %s)\n",
                    program_name, source, ofs, ofperr_name(error), what);
            return EXIT_FAIL;
        }

        json_t *json = ofp_json_msg(&codec->msg);
        if (!json) {
            describe_message(in->data + ofs, msg_len, what, sizeof what);
            fprintf(stderr, "%s: %s: offset %zu: no JSON form for %s\n",
                    program_name, source, ofs, what);
            return EXIT_FAIL;
        }
        int retval = json_dumpf(json, stdout, json_flags);
        json_decref(json);
        if (retval || putchar('\n') == EOF) {
            fprintf(stderr, "%s: writing output failed\n", program_name);
            return EXIT_FAIL;
        }
    }
    return 0;
}

static int
cmd_decode(int argc, char *argv[], bool compact)
{
    struct codec codec;
    struct input in = {0};
    size_t json_flags = compact ? JSON_COMPACT : JSON_INDENT(2);
    int status = 0;

    if (argc < 1) {
        fprintf(stderr, "%s: decode needs a FILE or HEX argument\n",
                program_name);
        usage(stderr);
        return EXIT_USAGE;
    }

    ofp_arena_init(&codec.arena);
    ofp_wbuf_init(&codec.out);
    for (int i = 0; i < argc && !status; i++) {
        const char *arg = argv[i];
        struct stat st;
        bool is_file = !strcmp(arg, "-") || stat(arg, &st) == 0;

        if (is_file) {
            int error = input_read_file(&in, arg);
            if (error) {
                fprintf(stderr, "%s: %s: %s\n", program_name, arg,
                        strerror(error));
                status = EXIT_FAIL;
                break;
            }
        } else {
            size_t bad;
            if (!input_parse_hex(&in, arg, &bad)) {
                if (bad == SIZE_MAX) {
                    fprintf(stderr, "%s: out of memory\n", program_name);
                } else if (bad < strlen(arg)) {
                    fprintf(stderr,
                            "%s: '%s' is neither a file nor hex: '%c' at "
                            "position %zu\n",
                            program_name, arg, arg[bad], bad);
                } else {
                    fprintf(stderr,
                            "%s: '%s' is neither a file nor hex: odd "
                            "number of hex digits\n",
                            program_name, arg);
                }
                status = EXIT_FAIL;
                break;
            }
        }
        status =
            decode_input(&codec, &in, is_file ? arg : "hex input", json_flags);
    }
    if (!status && fflush(stdout) == EOF) {
        status = EXIT_FAIL;
    }
    free(in.data);
    ofp_wbuf_uninit(&codec.out);
    ofp_arena_uninit(&codec.arena);
    return status;
}

/* Decodes and re-encodes every message of 'in'.  Returns true if all came
 * back byte for byte, else false with the reason in 'why'. */
static bool
roundtrip_input(struct codec *codec, const struct input *in, char *why,
                size_t why_size)
{
    char frame_why[96];
    char what[96];

    if (!in->len) {
        snprintf(why, why_size, "empty");
        return false;
    }
    for (size_t ofs = 0, msg_len; ofs < in->len; ofs += msg_len) {
        const uint8_t *p = in->data + ofs;
        enum ofperr error = frame_message(in->data, in->len, ofs, &msg_len,
                                          frame_why, sizeof frame_why);
        if (error) {
            snprintf(why, why_size, "offset %zu: %s (%s)", ofs,
                     ofperr_name(error), frame_why);
            return false;
        }
        describe_message(p, msg_len, what, sizeof what);

        error = codec_decode(codec, p, msg_len);
        if (error) {
            snprintf(why, why_size, "offset %zu: %s (decoding %s)", ofs,
                     ofperr_name(error), what);
            return false;
        }

        ofp_wbuf_clear(&codec->out);
        error = ofp_msg_encode(&codec->out, &codec->msg);
        if (!error && codec->out.overflow) {
            snprintf(why, why_size, "offset %zu: out of memory encoding %s",
                     ofs, what);
            return false;
        }
        if (error) {
            snprintf(why, why_size, "offset %zu: %s (encoding %s)", ofs,
                     ofperr_name(error), what);
            return false;
        }

        const uint8_t *got = codec->out.data;
        size_t got_len = codec->out.len;
        size_t common = got_len < msg_len ? got_len : msg_len;
        for (size_t i = 0; i < common; i++) {
            if (got[i] != p[i]) {
                snprintf(why, why_size,
                         "byte %zu differs (byte %zu of %s at offset %zu): "
                         "expected 0x%02x, got 0x%02x",
                         ofs + i, i, what, ofs, p[i], got[i]);
                return false;
            }
        }
        if (got_len != msg_len) {
            snprintf(why, why_size,
                     "byte %zu differs (%s at offset %zu re-encoded to "
                     "%zu bytes)",
                     ofs + common, what, ofs, got_len);
            return false;
        }
    }
    return true;
}

static int
cmd_roundtrip(int argc, char *argv[])
{
    struct codec codec;
    struct input in = {0};
    int status = 0;

    if (argc < 1) {
        fprintf(stderr, "%s: roundtrip needs at least one FILE\n",
                program_name);
        usage(stderr);
        return EXIT_USAGE;
    }

    ofp_arena_init(&codec.arena);
    ofp_wbuf_init(&codec.out);
    for (int i = 0; i < argc; i++) {
        char why[256];
        int error = input_read_file(&in, argv[i]);
        if (error) {
            snprintf(why, sizeof why, "%s", strerror(error));
        }
        if (!error && roundtrip_input(&codec, &in, why, sizeof why)) {
            printf("OK %s\n", argv[i]);
        } else {
            printf("FAIL %s: %s\n", argv[i], why);
            status = EXIT_FAIL;
        }
    }
    if (fflush(stdout) == EOF) {
        status = EXIT_FAIL;
    }
    free(in.data);
    ofp_wbuf_uninit(&codec.out);
    ofp_arena_uninit(&codec.arena);
    return status;
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        {"compact", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    bool compact = false;
    int c;

    while ((c = getopt_long(argc, argv, "chV", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            compact = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("%s (%s) %s\n", program_name, PACKAGE_NAME,
                   PACKAGE_VERSION);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }

    if (optind >= argc) {
        fprintf(stderr, "%s: missing command\n", program_name);
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *command = argv[optind];
    int n_args = argc - optind - 1;
    char **args = argv + optind + 1;
    if (!strcmp(command, "decode")) {
        return cmd_decode(n_args, args, compact);
    } else if (!strcmp(command, "roundtrip")) {
        if (compact) {
            fprintf(stderr, "%s: --compact applies to decode only\n",
                    program_name);
            usage(stderr);
            return EXIT_USAGE;
        }
        return cmd_roundtrip(n_args, args);
    }
    fprintf(stderr, "%s: unknown command '%s'\n", program_name, command);
    usage(stderr);
    return EXIT_USAGE;
}
