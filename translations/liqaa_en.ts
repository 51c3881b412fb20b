<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Duration</name>
    <message numerus="yes">
        <source>%Ln hour(s)</source>
        <translation>
            <numerusform>%Ln hour</numerusform>
            <numerusform>%Ln hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln minute(s)</source>
        <translation>
            <numerusform>%Ln minute</numerusform>
            <numerusform>%Ln minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln second(s)</source>
        <translation>
            <numerusform>%Ln second</numerusform>
            <numerusform>%Ln seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ParticipantsPanel</name>
    <message numerus="yes">
        <source>Participants (%Ln)</source>
        <translation>
            <numerusform>Participants (%Ln)</numerusform>
            <numerusform>Participants (%Ln)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WaitingRoomPanel</name>
    <message numerus="yes">
        <source>Waiting room (%Ln)</source>
        <translation>
            <numerusform>Waiting room (%Ln)</numerusform>
            <numerusform>Waiting room (%Ln)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Let the %Ln person(s) waiting into the meeting</source>
        <translation>
            <numerusform>Let the person waiting into the meeting</numerusform>
            <numerusform>Let the %Ln people waiting into the meeting</numerusform>
        </translation>
    </message>
</context>
</TS>
