/* Arithmetic on a struct value. */
struct pair {
	int a, b;
};

int prog(struct pair *p)
{
	struct pair q = *p;
	return q + 1; // ERROR 9: invalid operands
}
