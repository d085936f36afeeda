/* A failing _Static_assert reports its message. */
struct hdr {
	int a;
	char b;
};

_Static_assert(sizeof(struct hdr) == 5, "hdr must be packed"); // ERROR 7: hdr must be packed

int prog(void *ctx)
{
	return 0;
}
