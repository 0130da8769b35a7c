-- The chat streams keep no pub-sub state any more (Grains/Hosting/ChatSiloExtensions.cs): a room's
-- only subscriber is its relay, subscribed by an attribute on the relay's class, so Orleans' pub-sub
-- grain per stream, and the row it kept here for each room that ever had an event, is not used.
-- Those rows named the pulling agents that had registered as producers, never a subscriber, so
-- nothing is lost with them. Silos of the release before this one still write them while they
-- run beside new ones; the rows are then unused and harmless.
DELETE FROM orleansstorage WHERE graintypestring = 'PubSubRendezvousGrain';
