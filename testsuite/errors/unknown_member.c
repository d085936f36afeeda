/* A member the struct does not have. */
struct point {
	int x, y;
};

int prog(struct point *p)
{
	return p->x + p->z; // ERROR 8:19: no member named 'z'
}
