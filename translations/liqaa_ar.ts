<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar" sourcelanguage="en">
<context>
    <name>Abilities</name>
    <message>
        <source>The host does not allow participants to unmute themselves</source>
        <translation>لا يسمح المضيف للمشاركين بإلغاء كتم أصواتهم</translation>
    </message>
    <message>
        <source>The host does not allow participants to start their video</source>
        <translation>لا يسمح المضيف للمشاركين بتشغيل الفيديو</translation>
    </message>
    <message>
        <source>The host does not allow participants to share their screen</source>
        <translation>لا يسمح المضيف للمشاركين بمشاركة الشاشة</translation>
    </message>
    <message>
        <source>The host has suspended participant activities</source>
        <translation>علّق المضيف أنشطة المشاركين</translation>
    </message>
    <message>
        <source>Someone else is sharing their screen</source>
        <translation>يشارك شخص آخر شاشته الآن</translation>
    </message>
    <message>
        <source>The host has turned chat off</source>
        <translation>أوقف المضيف الدردشة</translation>
    </message>
    <message>
        <source>You are not in the meeting</source>
        <translation>لست في الاجتماع</translation>
    </message>
    <message>
        <source>The host does not allow participants to rename themselves</source>
        <translation>لا يسمح المضيف للمشاركين بتغيير أسمائهم</translation>
    </message>
    <message>
        <source>This person is no longer in the meeting</source>
        <translation>لم يعد هذا الشخص في الاجتماع</translation>
    </message>
    <message>
        <source>Only the host and co-hosts can do this</source>
        <translation>هذا الإجراء متاح للمضيف والمضيفين المشاركين فقط</translation>
    </message>
    <message>
        <source>You cannot do this to yourself</source>
        <translation>لا يمكن تطبيق هذا الإجراء على نفسك</translation>
    </message>
    <message>
        <source>Nobody can do this to the host</source>
        <translation>لا يمكن لأحد تطبيق هذا الإجراء على المضيف</translation>
    </message>
    <message>
        <source>Only the host can do this to a co-host</source>
        <translation>المضيف وحده يمكنه تطبيق هذا الإجراء على مضيف مشارك</translation>
    </message>
    <message>
        <source>Only the host can choose co-hosts</source>
        <translation>المضيف وحده يمكنه اختيار المضيفين المشاركين</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <source>Me</source>
        <translation>أنا</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>إغلاق</translation>
    </message>
</context>
<context>
    <name>ChatBubble</name>
    <message>
        <source>You</source>
        <translation>أنت</translation>
    </message>
    <message>
        <source>You to %1 (privately)</source>
        <translation>أنت إلى %1 (رسالة خاصة)</translation>
    </message>
    <message>
        <source>%1 to you (privately)</source>
        <translation>%1 إليك (رسالة خاصة)</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Everyone</source>
        <translation>الجميع</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>الدردشة</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>إلى:</translation>
    </message>
    <message>
        <source>Type a message…</source>
        <translation>اكتب رسالة…</translation>
    </message>
    <message>
        <source>Chat is off</source>
        <translation>الدردشة متوقفة</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>إرسال</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message numerus="yes">
        <source>%Ln hour(s)</source>
        <translation>
            <numerusform>%Ln ساعة</numerusform>
            <numerusform>ساعة واحدة</numerusform>
            <numerusform>ساعتان</numerusform>
            <numerusform>%Ln ساعات</numerusform>
            <numerusform>%Ln ساعة</numerusform>
            <numerusform>%Ln ساعة</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>hours, then minutes</comment>
        <translation>%1 و%2</translation>
    </message>
    <message numerus="yes">
        <source>%Ln minute(s)</source>
        <translation>
            <numerusform>%Ln دقيقة</numerusform>
            <numerusform>دقيقة واحدة</numerusform>
            <numerusform>دقيقتان</numerusform>
            <numerusform>%Ln دقائق</numerusform>
            <numerusform>%Ln دقيقة</numerusform>
            <numerusform>%Ln دقيقة</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln second(s)</source>
        <translation>
            <numerusform>%Ln ثانية</numerusform>
            <numerusform>ثانية واحدة</numerusform>
            <numerusform>ثانيتان</numerusform>
            <numerusform>%Ln ثوانٍ</numerusform>
            <numerusform>%Ln ثانية</numerusform>
            <numerusform>%Ln ثانية</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Gallery</name>
    <message>
        <source>Video of the participants</source>
        <translation>فيديو المشاركين</translation>
    </message>
</context>
<context>
    <name>HostedDialog</name>
    <message>
        <source>Your meeting is ready</source>
        <translation>اجتماعك جاهز</translation>
    </message>
    <message>
        <source>Send the invite link to the people you want to meet. They also need the passcode if they type the meeting details by hand.</source>
        <translation>أرسل رابط الدعوة إلى الأشخاص الذين تريد الاجتماع بهم. وسيحتاجون أيضًا إلى رمز المرور إذا أدخلوا تفاصيل الاجتماع يدويًا.</translation>
    </message>
    <message>
        <source>Passcode:</source>
        <translation>رمز المرور:</translation>
    </message>
    <message>
        <source>No passcode</source>
        <translation>بلا رمز مرور</translation>
    </message>
    <message>
        <source>Host key:</source>
        <translation>مفتاح المضيف:</translation>
    </message>
    <message>
        <source>Copy</source>
        <comment>copy the passcode</comment>
        <translation>نسخ</translation>
    </message>
    <message>
        <source>Copy the passcode</source>
        <translation>نسخ رمز المرور</translation>
    </message>
    <message>
        <source>Copy</source>
        <comment>copy the host key</comment>
        <translation>نسخ</translation>
    </message>
    <message>
        <source>Copy the host key</source>
        <translation>نسخ مفتاح المضيف</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation>نسخ الدعوة</translation>
    </message>
    <message>
        <source>With the host key you can claim the host role from another device. Keep it to yourself.</source>
        <translation>يتيح لك مفتاح المضيف تولّي دور المضيف من جهاز آخر. احتفظ به لنفسك.</translation>
    </message>
    <message>
        <source>Liqaa shows the passcode and the host key only this once: copy them now.</source>
        <translation>يعرض لقاء رمز المرور ومفتاح المضيف هذه المرة فقط، فانسخهما الآن.</translation>
    </message>
    <message>
        <source>Passcode copied</source>
        <translation>تم نسخ رمز المرور</translation>
    </message>
    <message>
        <source>Host key copied</source>
        <translation>تم نسخ مفتاح المضيف</translation>
    </message>
    <message>
        <source>Invite link copied</source>
        <translation>تم نسخ رابط الدعوة</translation>
    </message>
</context>
<context>
    <name>JoinErrors</name>
    <message>
        <source>Wrong meeting ID or passcode. Check them and try again.</source>
        <extracomment>The codes a join (or a meeting that closes) can end with; each has its own message.</extracomment>
        <translation>معرّف الاجتماع أو رمز المرور غير صحيح. تحقق منهما وحاول مرة أخرى.</translation>
    </message>
    <message>
        <source>The host has locked this meeting: no one else can join it now.</source>
        <translation>قفل المضيف هذا الاجتماع، فلا يمكن لأحد آخر الانضمام إليه الآن.</translation>
    </message>
    <message>
        <source>This meeting is full. Try again when someone leaves.</source>
        <translation>هذا الاجتماع ممتلئ. حاول مرة أخرى عندما يغادره أحد المشاركين.</translation>
    </message>
    <message>
        <source>The host removed you from this meeting. You cannot join it again.</source>
        <translation>أزالك المضيف من هذا الاجتماع، ولا يمكنك الانضمام إليه مرة أخرى.</translation>
    </message>
    <message>
        <source>The host did not let you in.</source>
        <translation>لم يسمح لك المضيف بالدخول.</translation>
    </message>
    <message>
        <source>Too many attempts. Wait %1, then try again.</source>
        <translation>محاولات كثيرة جدًا. يمكنك المحاولة مرة أخرى بعد أن تمضي %1.</translation>
    </message>
    <message>
        <source>Too many attempts. Wait a few minutes, then try again.</source>
        <translation>محاولات كثيرة جدًا. انتظر بضع دقائق ثم حاول مرة أخرى.</translation>
    </message>
    <message>
        <source>This meeting has ended.</source>
        <translation>انتهى هذا الاجتماع.</translation>
    </message>
    <message>
        <source>Cannot reach the meeting server. Check the address and your network connection.</source>
        <translation>تعذّر الوصول إلى خادم الاجتماع. تحقق من العنوان ومن اتصالك بالشبكة.</translation>
    </message>
    <message>
        <source>The server&apos;s security certificate does not match the invite, so Liqaa did not connect. Ask the host for a new invite link.</source>
        <translation>شهادة الأمان الخاصة بالخادم لا تطابق الدعوة، لذلك لم يتصل لقاء به. اطلب من المضيف رابط دعوة جديدًا.</translation>
    </message>
    <message>
        <source>The connection to the meeting was lost. Try joining again.</source>
        <translation>انقطع الاتصال بالاجتماع. حاول الانضمام مرة أخرى.</translation>
    </message>
    <message>
        <source>This meeting server needs a different version of Liqaa.</source>
        <translation>يتطلب خادم الاجتماع هذا إصدارًا مختلفًا من لقاء.</translation>
    </message>
    <message>
        <source>Could not join the meeting (error: %1).</source>
        <translation>تعذّر الانضمام إلى الاجتماع (الخطأ: %1).</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Arabic</source>
        <translation>العربية</translation>
    </message>
    <message>
        <source>English</source>
        <translation>الإنجليزية</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>language menu: the language&apos;s own name, then its name in the UI language</comment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>حسب إعدادات النظام</translation>
    </message>
    <message>
        <source>Arabic-Indic digits (%1)</source>
        <translation>الأرقام العربية المشرقية (%1)</translation>
    </message>
    <message>
        <source>Western digits (%1)</source>
        <translation>الأرقام الغربية (%1)</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <source>Microphone level</source>
        <extracomment>The quietest level the meter shows; below it the bar is empty.</extracomment>
        <translation>مستوى صوت الميكروفون</translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation>%1 ديسيبل</translation>
    </message>
</context>
<context>
    <name>MeetingDialogs</name>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Leave meeting</source>
        <translation>مغادرة الاجتماع</translation>
    </message>
    <message>
        <source>End the meeting for everyone, or leave and let it continue without you?</source>
        <translation>إنهاء الاجتماع للجميع، أم المغادرة وترك الاجتماع يستمر من دونك؟</translation>
    </message>
    <message>
        <source>Leave the meeting?</source>
        <translation>مغادرة الاجتماع؟</translation>
    </message>
    <message>
        <source>End meeting for all</source>
        <translation>إنهاء الاجتماع للجميع</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
</context>
<context>
    <name>MeetingToolbar</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>كتم الصوت</translation>
    </message>
    <message>
        <source>Mute your microphone</source>
        <translation>كتم صوت الميكروفون</translation>
    </message>
    <message>
        <source>No microphone was found</source>
        <translation>لم يُعثر على ميكروفون</translation>
    </message>
    <message>
        <source>Unmute your microphone</source>
        <translation>إلغاء كتم صوت الميكروفون</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>إلغاء كتم الصوت</translation>
    </message>
    <message>
        <source>Stop video</source>
        <translation>إيقاف الفيديو</translation>
    </message>
    <message>
        <source>Stop your video</source>
        <translation>إيقاف الفيديو الخاص بك</translation>
    </message>
    <message>
        <source>No camera was found</source>
        <translation>لم يُعثر على كاميرا</translation>
    </message>
    <message>
        <source>Start your video</source>
        <translation>تشغيل الفيديو الخاص بك</translation>
    </message>
    <message>
        <source>Start video</source>
        <translation>تشغيل الفيديو</translation>
    </message>
    <message>
        <source>Stop share</source>
        <translation>إيقاف المشاركة</translation>
    </message>
    <message>
        <source>Stop sharing your screen</source>
        <translation>إيقاف مشاركة شاشتك</translation>
    </message>
    <message>
        <source>Share screen</source>
        <translation>مشاركة الشاشة</translation>
    </message>
    <message>
        <source>Share your screen</source>
        <translation>مشاركة شاشتك</translation>
    </message>
    <message>
        <source>Participants (%1)</source>
        <translation>المشاركون (%1)</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>المشاركون</translation>
    </message>
    <message>
        <source>Show or hide the participants</source>
        <translation>إظهار قائمة المشاركين أو إخفاؤها</translation>
    </message>
    <message>
        <source>Chat (%1)</source>
        <translation>الدردشة (%1)</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>الدردشة</translation>
    </message>
    <message>
        <source>Show or hide the chat</source>
        <translation>إظهار الدردشة أو إخفاؤها</translation>
    </message>
    <message>
        <source>Lower hand</source>
        <translation>خفض اليد</translation>
    </message>
    <message>
        <source>Lower your hand</source>
        <translation>خفض يدك</translation>
    </message>
    <message>
        <source>Raise hand</source>
        <translation>رفع اليد</translation>
    </message>
    <message>
        <source>Raise your hand</source>
        <translation>رفع يدك</translation>
    </message>
    <message>
        <source>End</source>
        <translation>إنهاء</translation>
    </message>
    <message>
        <source>Leave the meeting or end it for everyone</source>
        <translation>مغادرة الاجتماع أو إنهاؤه للجميع</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>مغادرة</translation>
    </message>
    <message>
        <source>Leave the meeting</source>
        <translation>مغادرة الاجتماع</translation>
    </message>
    <message>
        <source>View</source>
        <comment>button: choose how the videos are arranged</comment>
        <translation>العرض</translation>
    </message>
    <message>
        <source>Choose how the videos are arranged</source>
        <translation>اختيار طريقة عرض الفيديو</translation>
    </message>
    <message>
        <source>Gallery view</source>
        <translation>عرض المعرض</translation>
    </message>
    <message>
        <source>Everyone in a grid of equal tiles</source>
        <translation>الجميع في شبكة بأحجام متساوية</translation>
    </message>
    <message>
        <source>Speaker view</source>
        <translation>عرض المتحدث</translation>
    </message>
    <message>
        <source>The person speaking large, the others in a row above</source>
        <translation>المتحدث بحجم كبير، والبقية في صف فوقه</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>الأمان</translation>
    </message>
    <message>
        <source>Security options for this meeting</source>
        <translation>خيارات الأمان لهذا الاجتماع</translation>
    </message>
    <message>
        <source>The meeting is locked: nobody new can join</source>
        <translation>الاجتماع مقفل: لا يمكن لأي شخص جديد الانضمام</translation>
    </message>
    <message>
        <source>Time since you joined</source>
        <translation>المدة منذ انضمامك</translation>
    </message>
</context>
<context>
    <name>MeetingWindow</name>
    <message>
        <source>Connection lost. Reconnecting…</source>
        <translation>انقطع الاتصال. جارٍ إعادة الاتصال…</translation>
    </message>
    <message>
        <source>Admit</source>
        <translation>قبول</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>إلغاء كتم الصوت</translation>
    </message>
    <message>
        <source>The host made you a co-host</source>
        <translation>منحك المضيف دور المضيف المشارك</translation>
    </message>
    <message>
        <source>You are now the host</source>
        <translation>أصبحت الآن المضيف</translation>
    </message>
    <message>
        <source>You are no longer a co-host</source>
        <translation>لم يعد لديك دور المضيف المشارك</translation>
    </message>
    <message>
        <source>Liqaa</source>
        <translation>لقاء</translation>
    </message>
    <message>
        <source>You are %1</source>
        <translation>أنت %1</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>%1 is waiting to join the meeting</source>
        <translation>%1 في انتظار الانضمام إلى الاجتماع</translation>
    </message>
    <message>
        <source>The host let you into the meeting</source>
        <translation>سمح لك المضيف بدخول الاجتماع</translation>
    </message>
    <message>
        <source>The host asks you to unmute</source>
        <translation>يطلب منك المضيف إلغاء كتم صوتك</translation>
    </message>
    <message>
        <source>The host muted you</source>
        <translation>كتم المضيف صوتك</translation>
    </message>
    <message>
        <source>The host stopped your video</source>
        <translation>أوقف المضيف الفيديو الخاص بك</translation>
    </message>
    <message>
        <source>The host stopped your screen share</source>
        <translation>أوقف المضيف مشاركة شاشتك</translation>
    </message>
    <message>
        <source>The host changed your role</source>
        <translation>غيّر المضيف دورك</translation>
    </message>
    <message>
        <source>The host moved you to the waiting room</source>
        <translation>نقلك المضيف إلى غرفة الانتظار</translation>
    </message>
    <message>
        <source>The host suspended participant activities</source>
        <translation>علّق المضيف أنشطة المشاركين</translation>
    </message>
    <message>
        <source>%1 was reported to the host</source>
        <translation>تم الإبلاغ عن %1 إلى المضيف</translation>
    </message>
    <message>
        <source>Something changed in the meeting</source>
        <translation>حدث تغيير في الاجتماع</translation>
    </message>
    <message>
        <source>The meeting ID or passcode is not right</source>
        <translation>معرّف الاجتماع أو رمز المرور غير صحيح</translation>
    </message>
    <message>
        <source>Too many attempts. Please wait a little and try again</source>
        <translation>محاولات كثيرة جدًا. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى</translation>
    </message>
    <message>
        <source>The host has locked this meeting</source>
        <translation>قفل المضيف هذا الاجتماع</translation>
    </message>
    <message>
        <source>The meeting is full</source>
        <translation>الاجتماع ممتلئ</translation>
    </message>
    <message>
        <source>You were removed from this meeting</source>
        <translation>تمت إزالتك من هذا الاجتماع</translation>
    </message>
    <message>
        <source>The host did not let you in</source>
        <translation>لم يسمح لك المضيف بالدخول</translation>
    </message>
    <message>
        <source>The meeting has ended</source>
        <translation>انتهى الاجتماع</translation>
    </message>
    <message>
        <source>You are not allowed to do that</source>
        <translation>غير مسموح لك بذلك</translation>
    </message>
    <message>
        <source>The host has turned that off</source>
        <translation>أوقف المضيف هذه الميزة</translation>
    </message>
    <message>
        <source>That person is no longer in the meeting</source>
        <translation>لم يعد هذا الشخص في الاجتماع</translation>
    </message>
    <message>
        <source>Someone else is already sharing their screen</source>
        <translation>هناك شخص آخر يشارك شاشته بالفعل</translation>
    </message>
    <message>
        <source>That request was not valid</source>
        <translation>هذا الطلب غير صالح</translation>
    </message>
    <message>
        <source>The server did not understand a message from this app</source>
        <translation>لم يفهم الخادم رسالة من هذا التطبيق</translation>
    </message>
    <message>
        <source>A message was too large to send</source>
        <translation>كانت إحدى الرسائل أكبر من أن تُرسل</translation>
    </message>
    <message>
        <source>This app&apos;s version does not work with that server</source>
        <translation>إصدار هذا التطبيق لا يعمل مع ذلك الخادم</translation>
    </message>
    <message>
        <source>That is not possible right now</source>
        <translation>هذا غير ممكن الآن</translation>
    </message>
    <message>
        <source>Too many requests in a short time</source>
        <translation>طلبات كثيرة جدًا في وقت قصير</translation>
    </message>
    <message>
        <source>Something went wrong on the server</source>
        <translation>حدث خطأ ما في الخادم</translation>
    </message>
    <message>
        <source>Could not reach the meeting server</source>
        <translation>تعذّر الوصول إلى خادم الاجتماع</translation>
    </message>
    <message>
        <source>The server&apos;s identity does not match the invite. Check the link with the host</source>
        <translation>هوية الخادم لا تطابق الدعوة. تحقق من الرابط مع المضيف</translation>
    </message>
    <message>
        <source>The connection to the meeting was lost</source>
        <translation>انقطع الاتصال بالاجتماع</translation>
    </message>
    <message>
        <source>You left the meeting</source>
        <translation>غادرت الاجتماع</translation>
    </message>
    <message>
        <source>The host removed you from the meeting</source>
        <translation>أزالك المضيف من الاجتماع</translation>
    </message>
    <message>
        <source>The host ended the meeting for everyone</source>
        <translation>أنهى المضيف الاجتماع للجميع</translation>
    </message>
</context>
<context>
    <name>ParticipantMenu</name>
    <message>
        <source>Already muted</source>
        <translation>الصوت مكتوم بالفعل</translation>
    </message>
    <message>
        <source>Their microphone is already on</source>
        <translation>الميكروفون يعمل بالفعل</translation>
    </message>
    <message>
        <source>Participant activities are suspended</source>
        <translation>أنشطة المشاركين معلّقة</translation>
    </message>
    <message>
        <source>Their video is already off</source>
        <translation>الفيديو متوقف بالفعل</translation>
    </message>
    <message>
        <source>They are not sharing their screen</source>
        <translation>لا يشارك هذا الشخص شاشته</translation>
    </message>
    <message>
        <source>This is the host</source>
        <translation>هذا هو المضيف</translation>
    </message>
    <message>
        <source>Only the host and co-hosts can lower someone&apos;s hand</source>
        <translation>خفض يد الآخرين متاح للمضيف والمضيفين المشاركين فقط</translation>
    </message>
    <message>
        <source>Their hand is not raised</source>
        <translation>لم يرفع هذا الشخص يده</translation>
    </message>
    <message>
        <source>You cannot report yourself</source>
        <translation>لا يمكنك الإبلاغ عن نفسك</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>تغيير الاسم</translation>
    </message>
    <message>
        <source>Your name in this meeting:</source>
        <translation>اسمك في هذا الاجتماع:</translation>
    </message>
    <message>
        <source>Rename participant</source>
        <translation>تغيير اسم المشارك</translation>
    </message>
    <message>
        <source>New name for %1:</source>
        <translation>الاسم الجديد للمشارك %1:</translation>
    </message>
    <message>
        <source>Remove participant</source>
        <translation>إزالة مشارك</translation>
    </message>
    <message>
        <source>Remove %1 from the meeting? They cannot come back.</source>
        <translation>إزالة %1 من الاجتماع؟ لا يمكن العودة إلى الاجتماع بعد الإزالة.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Report participant</source>
        <translation>الإبلاغ عن مشارك</translation>
    </message>
    <message>
        <source>Tell the host about a problem with this person.</source>
        <translation>إبلاغ المضيف بمشكلة تتعلق بهذا الشخص.</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>إبلاغ</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>كتم الصوت</translation>
    </message>
    <message>
        <source>Ask to unmute</source>
        <translation>طلب إلغاء كتم الصوت</translation>
    </message>
    <message>
        <source>Stop video</source>
        <translation>إيقاف الفيديو</translation>
    </message>
    <message>
        <source>Stop screen share</source>
        <translation>إيقاف مشاركة الشاشة</translation>
    </message>
    <message>
        <source>Remove co-host</source>
        <translation>إلغاء دور المضيف المشارك</translation>
    </message>
    <message>
        <source>Make co-host</source>
        <translation>تعيين مضيفًا مشاركًا</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>تغيير الاسم…</translation>
    </message>
    <message>
        <source>Raise hand</source>
        <translation>رفع اليد</translation>
    </message>
    <message>
        <source>Lower hand</source>
        <translation>خفض اليد</translation>
    </message>
    <message>
        <source>Put in waiting room</source>
        <translation>نقل إلى غرفة الانتظار</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>إزالة…</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>الإبلاغ…</translation>
    </message>
</context>
<context>
    <name>ParticipantPicker</name>
    <message>
        <source>What happened? (the host sees this)</source>
        <translation>ماذا حدث؟ (يطّلع المضيف على ما تكتبه هنا)</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>اختياري</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context>
    <name>ParticipantRow</name>
    <message>
        <source>%1 (you)</source>
        <translation>%1 (أنت)</translation>
    </message>
    <message>
        <source>Hand raised</source>
        <translation>اليد مرفوعة</translation>
    </message>
    <message>
        <source>Microphone on</source>
        <translation>الميكروفون يعمل</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>الصوت مكتوم</translation>
    </message>
    <message>
        <source>Video on</source>
        <translation>الفيديو يعمل</translation>
    </message>
    <message>
        <source>Video off</source>
        <translation>الفيديو متوقف</translation>
    </message>
    <message>
        <source>More actions for %1</source>
        <translation>إجراءات أخرى بشأن %1</translation>
    </message>
</context>
<context>
    <name>ParticipantsPanel</name>
    <message numerus="yes">
        <source>Participants (%Ln)</source>
        <translation>
            <numerusform>المشاركون (%Ln)</numerusform>
            <numerusform>المشاركون (%Ln)</numerusform>
            <numerusform>المشاركون (%Ln)</numerusform>
            <numerusform>المشاركون (%Ln)</numerusform>
            <numerusform>المشاركون (%Ln)</numerusform>
            <numerusform>المشاركون (%Ln)</numerusform>
        </translation>
    </message>
    <message>
        <source>Mute all</source>
        <translation>كتم صوت الجميع</translation>
    </message>
    <message>
        <source>Mute everyone except the hosts</source>
        <translation>كتم صوت الجميع باستثناء المضيفين</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Host</source>
        <translation>المضيف</translation>
    </message>
    <message>
        <source>Co-host</source>
        <translation>مضيف مشارك</translation>
    </message>
</context>
<context>
    <name>SecurityMenu</name>
    <message>
        <source>Capacity limit</source>
        <translation>الحد الأقصى لعدد المشاركين</translation>
    </message>
    <message>
        <source>Most people allowed in the meeting (%1-%2):</source>
        <extracomment>%1 and %2: the smallest and largest limit (1 and 500)</extracomment>
        <translation>أكبر عدد مسموح به من الأشخاص في الاجتماع (من %1 إلى %2):</translation>
    </message>
    <message>
        <source>Remove participant</source>
        <translation>إزالة مشارك</translation>
    </message>
    <message>
        <source>Remove who? They cannot come back to this meeting.</source>
        <translation>مَن المشارك المراد إزالته؟ لا يمكن العودة إلى هذا الاجتماع بعد الإزالة.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Report participant</source>
        <translation>الإبلاغ عن مشارك</translation>
    </message>
    <message>
        <source>Report who?</source>
        <translation>مَن المشارك المراد الإبلاغ عنه؟</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>إبلاغ</translation>
    </message>
    <message>
        <source>Suspend participant activities</source>
        <translation>تعليق أنشطة المشاركين</translation>
    </message>
    <message>
        <source>Everyone&apos;s video, audio and screen sharing stop, chat is turned off and the meeting is locked. You can turn things back on one by one.</source>
        <translation>سيتوقف الفيديو والصوت ومشاركة الشاشة لدى الجميع، وتتوقف الدردشة، ويُقفل الاجتماع. ويمكنك بعد ذلك إعادة تشغيل كل ميزة على حدة.</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>تعليق</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>الأمان</translation>
    </message>
    <message>
        <source>Lock meeting</source>
        <translation>قفل الاجتماع</translation>
    </message>
    <message>
        <source>Nobody new can join while the meeting is locked</source>
        <translation>لا يمكن لأي شخص جديد الانضمام ما دام الاجتماع مقفلًا</translation>
    </message>
    <message>
        <source>Enable waiting room</source>
        <translation>تفعيل غرفة الانتظار</translation>
    </message>
    <message>
        <source>New people wait until a host lets them in; turning it off lets everyone in</source>
        <translation>ينتظر القادمون الجدد حتى يسمح لهم أحد المضيفين بالدخول؛ وإيقافها يسمح للجميع بالدخول</translation>
    </message>
    <message>
        <source>Allow participants to:</source>
        <translation>السماح للمشاركين بـ:</translation>
    </message>
    <message>
        <source>Share screen</source>
        <translation>مشاركة الشاشة</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>الدردشة</translation>
    </message>
    <message>
        <source>Rename themselves</source>
        <translation>تغيير أسمائهم</translation>
    </message>
    <message>
        <source>Unmute themselves</source>
        <translation>إلغاء كتم أصواتهم</translation>
    </message>
    <message>
        <source>Start video</source>
        <translation>تشغيل الفيديو</translation>
    </message>
    <message>
        <source>Capacity limit…</source>
        <translation>الحد الأقصى للمشاركين…</translation>
    </message>
    <message>
        <source>Capacity limit (%1)…</source>
        <translation>الحد الأقصى للمشاركين (%1)…</translation>
    </message>
    <message>
        <source>Remove participant…</source>
        <translation>إزالة مشارك…</translation>
    </message>
    <message>
        <source>Nobody here can be removed by you</source>
        <translation>لا يوجد هنا من يمكنك إزالته</translation>
    </message>
    <message>
        <source>Report participant…</source>
        <translation>الإبلاغ عن مشارك…</translation>
    </message>
    <message>
        <source>Suspend participant activities…</source>
        <translation>تعليق أنشطة المشاركين…</translation>
    </message>
    <message>
        <source>Participant activities are suspended</source>
        <translation>أنشطة المشاركين معلّقة</translation>
    </message>
    <message>
        <source>Stop everyone&apos;s video, audio, sharing and chat, and lock the meeting</source>
        <translation>إيقاف الفيديو والصوت والمشاركة والدردشة للجميع، وقفل الاجتماع</translation>
    </message>
    <message>
        <source>Copy invite link</source>
        <translation>نسخ رابط الدعوة</translation>
    </message>
    <message>
        <source>Only the host who started this meeting has its invite link</source>
        <translation>رابط الدعوة متاح فقط للمضيف الذي بدأ هذا الاجتماع</translation>
    </message>
    <message>
        <source>Copy the link that lets people join</source>
        <translation>نسخ الرابط الذي يتيح للآخرين الانضمام</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Camera unavailable</source>
        <translation>الكاميرا غير متاحة</translation>
    </message>
    <message>
        <source>Starting the camera...</source>
        <translation>جارٍ تشغيل الكاميرا…</translation>
    </message>
    <message>
        <source>Unavailable: no picture from this camera.</source>
        <translation>غير متاحة: لا تصل أي صورة من هذه الكاميرا.</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>تعمل</translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation>جارٍ التشغيل…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>إيقاف</translation>
    </message>
    <message>
        <source>Test speaker</source>
        <translation>اختبار مكبر الصوت</translation>
    </message>
    <message>
        <source>Test microphone</source>
        <translation>اختبار الميكروفون</translation>
    </message>
    <message>
        <source>Recording... speak now.</source>
        <translation>جارٍ التسجيل... تحدّث الآن.</translation>
    </message>
    <message>
        <source>Playing back your recording...</source>
        <translation>جارٍ تشغيل تسجيلك...</translation>
    </message>
    <message>
        <source>Playing a test sound... Can you hear it?</source>
        <translation>جارٍ تشغيل صوت الاختبار... هل تسمعه؟</translation>
    </message>
    <message>
        <source>Cannot play: the speaker is unavailable.</source>
        <translation>تعذّر التشغيل: مكبر الصوت غير متاح.</translation>
    </message>
    <message>
        <source>Cannot record: the microphone is unavailable.</source>
        <translation>تعذّر التسجيل: الميكروفون غير متاح.</translation>
    </message>
    <message>
        <source>Did you hear the sound? If not, choose another speaker.</source>
        <translation>هل سمعت الصوت؟ إن لم تسمعه، فاختر مكبر صوت آخر.</translation>
    </message>
    <message>
        <source>Did you hear yourself? If not, choose another microphone or speaker.</source>
        <translation>هل سمعت صوتك؟ إن لم تسمعه، فاختر ميكروفونًا أو مكبر صوت آخر.</translation>
    </message>
    <message>
        <source>Unavailable: no microphone found, or it cannot be opened.</source>
        <translation>غير متاح: لم يُعثر على ميكروفون، أو تعذّر فتحه.</translation>
    </message>
    <message>
        <source>Working: speak to see the level move.</source>
        <translation>يعمل: تحدّث لترى مؤشر المستوى يتحرك.</translation>
    </message>
    <message>
        <source>Unavailable: no speaker found.</source>
        <translation>غير متاح: لم يُعثر على مكبر صوت.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>الفيديو</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>الصوت</translation>
    </message>
    <message>
        <source>General</source>
        <translation>عام</translation>
    </message>
    <message>
        <source>Voice processing</source>
        <translation>معالجة الصوت</translation>
    </message>
    <message>
        <source>Echo cancellation</source>
        <translation>إلغاء الصدى</translation>
    </message>
    <message>
        <source>Noise suppression</source>
        <translation>كبت الضوضاء</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>المستوى:</translation>
    </message>
    <message>
        <source>Low</source>
        <comment>noise suppression level</comment>
        <translation>منخفض</translation>
    </message>
    <message>
        <source>Moderate</source>
        <comment>noise suppression level</comment>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>High</source>
        <comment>noise suppression level</comment>
        <translation>مرتفع</translation>
    </message>
    <message>
        <source>Very high</source>
        <comment>noise suppression level</comment>
        <translation>مرتفع جدًا</translation>
    </message>
    <message>
        <source>Adjust microphone volume automatically</source>
        <translation>ضبط مستوى صوت الميكروفون تلقائيًا</translation>
    </message>
    <message>
        <source>Camera:</source>
        <translation>الكاميرا:</translation>
    </message>
    <message>
        <source>Microphone:</source>
        <translation>الميكروفون:</translation>
    </message>
    <message>
        <source>Speaker:</source>
        <translation>مكبر الصوت:</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>اسمك:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>اللغة:</translation>
    </message>
    <message>
        <source>Digits in Arabic:</source>
        <translation>الأرقام في الواجهة العربية:</translation>
    </message>
    <message>
        <source>Camera preview</source>
        <translation>معاينة الكاميرا</translation>
    </message>
    <message>
        <source>Default camera</source>
        <translation>الكاميرا الافتراضية</translation>
    </message>
    <message>
        <source>Test pattern</source>
        <translation>صورة اختبارية</translation>
    </message>
    <message>
        <source>Camera %1 (unavailable)</source>
        <translation>الكاميرا %1 (غير متاحة)</translation>
    </message>
    <message>
        <source>System default (looking for devices...)</source>
        <translation>الافتراضي في النظام (جارٍ البحث عن الأجهزة…)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>الافتراضي في النظام</translation>
    </message>
    <message>
        <source>%1 (unavailable)</source>
        <translation>%1 (غير متاح)</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <source>Please enter your name.</source>
        <translation>يُرجى إدخال اسمك.</translation>
    </message>
    <message>
        <source>This is not a valid Liqaa invite link. An invite starts with %1 and is sent by the host.</source>
        <extracomment>%1 is &quot;liqaa://&quot;, the start of every invite link</extracomment>
        <translation>هذا ليس رابط دعوة صالحًا من لقاء. يبدأ رابط الدعوة بـ %1 ويرسله المضيف.</translation>
    </message>
    <message>
        <source>Paste an invite link, or enter the server address and meeting ID.</source>
        <translation>الصق رابط دعوة، أو أدخل عنوان الخادم ومعرّف الاجتماع.</translation>
    </message>
    <message>
        <source>Enter a valid server address, such as %1.</source>
        <extracomment>%1 is an example address, 192.168.1.20:8443</extracomment>
        <translation>أدخل عنوان خادم صالحًا، مثل %1.</translation>
    </message>
    <message>
        <source>A meeting ID has %1 digits.</source>
        <extracomment>%1 is always 11</extracomment>
        <translation>يتكون معرّف الاجتماع من %1 رقمًا.</translation>
    </message>
    <message>
        <source>A certificate fingerprint has %1 hexadecimal characters (%2).</source>
        <extracomment>%1 is always 64; %2 is &quot;0-9, a-f&quot;</extracomment>
        <translation>تتكون بصمة الشهادة من %1 حرفًا ست عشريًا (%2).</translation>
    </message>
    <message>
        <source>Connecting to the meeting...</source>
        <translation>جارٍ الاتصال بالاجتماع…</translation>
    </message>
    <message>
        <source>Liqaa</source>
        <translation>لقاء</translation>
    </message>
    <message>
        <source>Video meetings where the host is in control.</source>
        <translation>اجتماعات فيديو يتحكم فيها المضيف.</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>اللغة:</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>Your name:</source>
        <translation>اسمك:</translation>
    </message>
    <message>
        <source>The name others see in the meeting</source>
        <translation>الاسم الذي يراه الآخرون في الاجتماع</translation>
    </message>
    <message>
        <source>Host a meeting</source>
        <translation>استضافة اجتماع</translation>
    </message>
    <message>
        <source>New meeting</source>
        <translation>اجتماع جديد</translation>
    </message>
    <message>
        <source>Let people on my local network join</source>
        <translation>السماح للأشخاص على شبكتي المحلية بالانضمام</translation>
    </message>
    <message>
        <source>Test meeting</source>
        <translation>اجتماع تجريبي</translation>
    </message>
    <message>
        <source>Try Liqaa alone: a meeting on this computer with three simulated guests.</source>
        <translation>تجربة لقاء بمفردك: اجتماع على هذا الحاسوب مع ثلاثة ضيوف افتراضيين.</translation>
    </message>
    <message>
        <source>Join a meeting</source>
        <translation>الانضمام إلى اجتماع</translation>
    </message>
    <message>
        <source>Invite link:</source>
        <translation>رابط الدعوة:</translation>
    </message>
    <message>
        <source>Paste the link the host sent you</source>
        <translation>الصق الرابط الذي أرسله إليك المضيف</translation>
    </message>
    <message>
        <source>Or enter the meeting details:</source>
        <translation>أو أدخل تفاصيل الاجتماع:</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>عنوان الخادم:</translation>
    </message>
    <message>
        <source>For example %1</source>
        <translation>مثال: %1</translation>
    </message>
    <message>
        <source>Meeting ID:</source>
        <translation>معرّف الاجتماع:</translation>
    </message>
    <message>
        <source>%1 digits</source>
        <extracomment>%1 is always 11</extracomment>
        <translation>%1 رقمًا</translation>
    </message>
    <message>
        <source>Passcode:</source>
        <translation>رمز المرور:</translation>
    </message>
    <message>
        <source>Certificate fingerprint:</source>
        <translation>بصمة الشهادة:</translation>
    </message>
    <message>
        <source>Optional: from the host&apos;s invite</source>
        <translation>اختياري: من دعوة المضيف</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>انضمام</translation>
    </message>
</context>
<context>
    <name>StatusPage</name>
    <message>
        <source>Please wait, the host will let you in soon</source>
        <translation>يُرجى الانتظار، سيسمح لك المضيف بالدخول قريبًا</translation>
    </message>
    <message>
        <source>You are in the waiting room</source>
        <translation>أنت في غرفة الانتظار</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>مغادرة</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>جارٍ إعادة الاتصال…</translation>
    </message>
    <message>
        <source>Joining the meeting…</source>
        <translation>جارٍ الانضمام إلى الاجتماع…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Your screen</source>
        <translation>شاشتك</translation>
    </message>
    <message>
        <source>%1&apos;s screen</source>
        <translation>شاشة %1</translation>
    </message>
    <message>
        <source>%1 (you)</source>
        <translation>%1 (أنت)</translation>
    </message>
    <message>
        <source>%1, muted</source>
        <translation>%1، الصوت مكتوم</translation>
    </message>
</context>
<context>
    <name>WaitingRoomPanel</name>
    <message numerus="yes">
        <source>Waiting room (%Ln)</source>
        <translation>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
            <numerusform>غرفة الانتظار (%Ln)</numerusform>
        </translation>
    </message>
    <message>
        <source>Admit all</source>
        <translation>قبول الجميع</translation>
    </message>
    <message numerus="yes">
        <source>Let the %Ln person(s) waiting into the meeting</source>
        <translation>
            <numerusform>لا أحد في الانتظار</numerusform>
            <numerusform>السماح للشخص المنتظر بدخول الاجتماع</numerusform>
            <numerusform>السماح للشخصين المنتظرَين بدخول الاجتماع</numerusform>
            <numerusform>السماح لـ%Ln أشخاص منتظرين بدخول الاجتماع</numerusform>
            <numerusform>السماح لـ%Ln شخصًا منتظرًا بدخول الاجتماع</numerusform>
            <numerusform>السماح لـ%Ln شخص منتظر بدخول الاجتماع</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WaitingRow</name>
    <message>
        <source>Waiting since %1</source>
        <translation>في الانتظار منذ %1</translation>
    </message>
    <message>
        <source>Someone called %1 is already in the meeting. Check before admitting.</source>
        <translation>يوجد في الاجتماع بالفعل شخص باسم %1. يُرجى التحقق قبل القبول.</translation>
    </message>
    <message>
        <source>Admit</source>
        <translation>قبول</translation>
    </message>
    <message>
        <source>Let %1 into the meeting</source>
        <translation>السماح بدخول %1 إلى الاجتماع</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>رفض</translation>
    </message>
    <message>
        <source>Turn %1 away</source>
        <translation>رفض دخول %1</translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <source>Waiting room - Liqaa</source>
        <translation>غرفة الانتظار - لقاء</translation>
    </message>
    <message>
        <source>Please wait, the host will let you in soon</source>
        <translation>يُرجى الانتظار، سيسمح لك المضيف بالدخول قريبًا</translation>
    </message>
    <message>
        <source>The host sees you in the waiting room as %1.</source>
        <translation>يراك المضيف في غرفة الانتظار باسم %1.</translation>
    </message>
    <message>
        <source>The host sees you in the waiting room.</source>
        <translation>يراك المضيف في غرفة الانتظار.</translation>
    </message>
    <message>
        <source>Waiting for the host</source>
        <translation>في انتظار المضيف</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>مغادرة</translation>
    </message>
</context>
</TS>
