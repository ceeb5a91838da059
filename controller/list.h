/* list: an intrusive doubly linked list (the OVS/Linux pattern).
 *
 * Sits under every controller module that keeps sets of objects
 * (sessions, timers, in-flight requests): the element embeds a
 * 'struct sl_list' and is found again with SL_CONTAINER_OF, so inserting
 * never allocates.  A list head is a 'struct sl_list' whose prev/next
 * point at itself when empty. */
#ifndef CONTROLLER_LIST_H
#define CONTROLLER_LIST_H 1

#include <stdbool.h>
#include <stddef.h>

/* Returns the struct of type 'TYPE' whose member 'MEMBER' is at 'PTR'. */
#define SL_CONTAINER_OF(PTR, TYPE, MEMBER)                                  \
    ((TYPE *) (void *) ((char *) (PTR) - offsetof(TYPE, MEMBER)))

struct sl_list {
    struct sl_list *prev;
    struct sl_list *next;
};

#define SL_LIST_INITIALIZER(LIST) {LIST, LIST}

/* Makes 'list' an empty list head (or a detached element). */
static inline void
sl_list_init(struct sl_list *list)
{
    list->prev = list->next = list;
}

/* Inserts 'elem' just before 'before' (at the tail when 'before' is the
 * head). */
static inline void
sl_list_insert(struct sl_list *before, struct sl_list *elem)
{
    elem->prev = before->prev;
    elem->next = before;
    before->prev->next = elem;
    before->prev = elem;
}

/* Appends 'elem' to the list headed by 'list'. */
static inline void
sl_list_push_back(struct sl_list *list, struct sl_list *elem)
{
    sl_list_insert(list, elem);
}

/* Removes 'elem' from its list and leaves it detached (pointing at itself),
 * so removing it twice is harmless. */
static inline void
sl_list_remove(struct sl_list *elem)
{
    elem->prev->next = elem->next;
    elem->next->prev = elem->prev;
    elem->prev = elem->next = elem;
}

/* Returns true if 'list' has no elements. */
static inline bool
sl_list_is_empty(const struct sl_list *list)
{
    return list->next == list;
}

/* Moves every element of 'src', in order, to the tail of 'dst' and leaves
 * 'src' empty.  'src' and 'dst' must be different list heads. */
static inline void
sl_list_splice(struct sl_list *dst, struct sl_list *src)
{
    if (sl_list_is_empty(src)) {
        return;
    }
    struct sl_list *first = src->next;
    struct sl_list *last = src->prev;
    first->prev = dst->prev;
    dst->prev->next = first;
    last->next = dst;
    dst->prev = last;
    sl_list_init(src);
}

/* Iterates 'ITER' (a pointer to the element type) over the list 'LIST'
 * whose elements link through 'MEMBER'.  'NEXT' (same type) makes it safe
 * to remove 'ITER' in the body. */
#define SL_LIST_FOR_EACH(ITER, MEMBER, LIST)                                \
    for (ITER = SL_CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER);   \
         &(ITER)->MEMBER != (LIST);                                         \
         ITER = SL_CONTAINER_OF((ITER)->MEMBER.next, __typeof__(*ITER),     \
                                MEMBER))
#define SL_LIST_FOR_EACH_SAFE(ITER, NEXT, MEMBER, LIST)                     \
    for (ITER = SL_CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER);   \
         &(ITER)->MEMBER != (LIST)                                          \
         && ((NEXT = SL_CONTAINER_OF((ITER)->MEMBER.next,                   \
                                     __typeof__(*ITER), MEMBER)),           \
             1);                                                            \
         ITER = NEXT)

#endif /* CONTROLLER_LIST_H */
