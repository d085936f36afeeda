/* A bit-field wider than its type. */
struct flags {
	unsigned int ok : 3;
	unsigned int too_wide : 40; // ERROR 4: width of bit-field
};

int prog(struct flags *f)
{
	return f->ok;
}
